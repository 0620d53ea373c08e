-- The public self-assessment and admissions inquiries for SQLite. Keep in step with
-- postgres/0003_admissions.sql (only the types differ).

-- A self-assessment's answers and result. Anonymous: nothing identifying. Kept only until
-- expires_at unless an inquiry (sent with consent) attaches it, which clears expires_at.
CREATE TABLE self_assessments (
    id          TEXT PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP,
    answers     TEXT NOT NULL,
    level       TEXT NOT NULL,
    crisis      BOOLEAN NOT NULL,
    result      TEXT NOT NULL
);
CREATE INDEX self_assessments_expires ON self_assessments (expires_at);

-- Anonymous daily counts of self-assessment results, kept for reporting.
CREATE TABLE self_assessment_counts (
    day     TEXT NOT NULL,
    level   TEXT NOT NULL,
    crisis  BOOLEAN NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (day, level, crisis)
);

CREATE TABLE inquiries (
    id                  TEXT PRIMARY KEY,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('new', 'contacted', 'assessment_scheduled', 'admitted', 'referred', 'closed')),
    name                TEXT NOT NULL,
    phone               TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    best_time           TEXT NOT NULL DEFAULT '',
    insurance           TEXT NOT NULL DEFAULT '',
    source              TEXT NOT NULL DEFAULT '',
    message             TEXT NOT NULL DEFAULT '',
    consent             TEXT NOT NULL,
    consent_at          TIMESTAMP NOT NULL,
    self_assessment_id  TEXT REFERENCES self_assessments(id),
    next_action         TEXT NOT NULL DEFAULT '',
    next_due            TIMESTAMP,
    outcome             TEXT NOT NULL DEFAULT '',
    referred_to         TEXT NOT NULL DEFAULT '',
    client_id           TEXT REFERENCES clients(id),
    assigned_to         TEXT REFERENCES users(id),
    last_contact_at     TIMESTAMP,
    CHECK (phone <> '' OR email <> '')
);
CREATE INDEX inquiries_status ON inquiries (status, next_due);

CREATE TABLE inquiry_contacts (
    id          TEXT PRIMARY KEY,
    inquiry_id  TEXT NOT NULL REFERENCES inquiries(id),
    at          TIMESTAMP NOT NULL,
    channel     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX inquiry_contacts_inquiry ON inquiry_contacts (inquiry_id, at);

-- Fixed-window request counters for public forms, shared by every replica. Keys hold a hash
-- of the address, never the address itself.
CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  TIMESTAMP NOT NULL,
    hits          INTEGER NOT NULL
);

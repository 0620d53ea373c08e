-- The money side: payers and their codes, clients' coverage, authorizations, and the claim batches that
-- billed services. Keep in step with sqlite/0023_billing.sql (only the types differ). Units used are
-- never stored: they are counted from attendance and kept sessions each time, so they cannot drift.
CREATE TABLE payers (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL CHECK (type IN ('medicaid', 'medicare', 'commercial', 'employer', 'self_pay')),
    electronic_id  TEXT NOT NULL DEFAULT '',
    requires_auth  BOOLEAN NOT NULL DEFAULT FALSE,
    codes          TEXT NOT NULL DEFAULT '{}', -- JSON: billing.Codes
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE coverages (
    id                TEXT PRIMARY KEY,
    client_id         TEXT NOT NULL REFERENCES clients(id),
    payer_id          TEXT NOT NULL REFERENCES payers(id),
    plan              TEXT NOT NULL DEFAULT '',
    member_id         TEXT NOT NULL,
    group_id          TEXT NOT NULL DEFAULT '',
    subscriber        TEXT NOT NULL DEFAULT '',
    subscriber_birth  DATE,
    relationship      TEXT NOT NULL CHECK (relationship IN ('self', 'spouse', 'child', 'other')),
    priority          TEXT NOT NULL CHECK (priority IN ('primary', 'secondary')),
    starts_on         DATE NOT NULL,
    ends_on           DATE,
    verified_on       DATE,
    verified_by       TEXT REFERENCES users(id),
    notes             TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL REFERENCES users(id),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX coverages_client ON coverages (client_id);

CREATE TABLE authorizations (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id),
    payer_id    TEXT NOT NULL REFERENCES payers(id),
    number      TEXT NOT NULL,
    level       TEXT NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('per_diem', 'per_hour', 'per_session')),
    units       INTEGER NOT NULL CHECK (units > 0),
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX authorizations_client ON authorizations (client_id);
CREATE INDEX authorizations_end ON authorizations (ends_on);

-- Who bills: the billing provider and the clearinghouse on every 837P. One row.
CREATE TABLE billing_profile (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    name           TEXT NOT NULL DEFAULT '',
    npi            TEXT NOT NULL DEFAULT '',
    tax_id         TEXT NOT NULL DEFAULT '',
    taxonomy       TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    city           TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT '',
    zip            TEXT NOT NULL DEFAULT '',
    submitter_id   TEXT NOT NULL DEFAULT '',
    contact_name   TEXT NOT NULL DEFAULT '',
    contact_phone  TEXT NOT NULL DEFAULT '',
    receiver_name  TEXT NOT NULL DEFAULT '',
    receiver_id    TEXT NOT NULL DEFAULT '',
    production     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     TIMESTAMPTZ
);
INSERT INTO billing_profile (id) VALUES (1);

CREATE TABLE claim_batches (
    id              TEXT PRIMARY KEY,
    payer_id        TEXT NOT NULL REFERENCES payers(id),
    period_from     DATE NOT NULL,
    period_to       DATE NOT NULL,
    control_number  BIGINT NOT NULL UNIQUE,
    claims          INTEGER NOT NULL,
    lines           INTEGER NOT NULL,
    total_cents     BIGINT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMPTZ NOT NULL,
    edi             TEXT NOT NULL, -- the 837P file as made
    csv             TEXT NOT NULL  -- the same claims as CSV
);

-- A service is billed once: its key (day|client|date or appointment|id) is unique.
CREATE TABLE claim_lines (
    service_key       TEXT PRIMARY KEY,
    batch_id          TEXT NOT NULL REFERENCES claim_batches(id),
    client_id         TEXT NOT NULL REFERENCES clients(id),
    service_date      DATE NOT NULL,
    code              TEXT NOT NULL,
    modifiers         TEXT NOT NULL DEFAULT '',
    units             INTEGER NOT NULL,
    charge_cents      BIGINT NOT NULL,
    authorization_id  TEXT REFERENCES authorizations(id)
);
CREATE INDEX claim_lines_batch ON claim_lines (batch_id);
CREATE INDEX claim_lines_client ON claim_lines (client_id, service_date);

-- Payers' decisions on utilization reviews. An approval (in full or in part) also adds the authorization.
CREATE TABLE ur_decisions (
    id                TEXT PRIMARY KEY,
    client_id         TEXT NOT NULL REFERENCES clients(id),
    payer_id          TEXT NOT NULL REFERENCES payers(id),
    outcome           TEXT NOT NULL CHECK (outcome IN ('approved', 'partial', 'denied', 'peer_to_peer')),
    requested         INTEGER NOT NULL DEFAULT 0,
    authorization_id  TEXT REFERENCES authorizations(id),
    reason            TEXT NOT NULL DEFAULT '',
    next_review       DATE,
    decided_on        DATE NOT NULL,
    decided_by        TEXT NOT NULL REFERENCES users(id),
    recorded_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX ur_decisions_client ON ur_decisions (client_id);

ALTER TABLE programs ADD COLUMN auth_alert_units INTEGER NOT NULL DEFAULT 3;
ALTER TABLE programs ADD COLUMN auth_alert_days INTEGER NOT NULL DEFAULT 5;
-- The rendering clinician's NPI on claims; empty for staff who do not bill.
ALTER TABLE users ADD COLUMN npi TEXT NOT NULL DEFAULT '';

-- The client portal: accounts separate from staff users, their sessions, daily check-ins, absences
-- told ahead of time, and measures the client completes themselves. Keep in step with
-- postgres/0020_portal.sql (only the types differ).

-- A portal account belongs to one client (kind 'client') or to a family member the client named in a
-- consent (kind 'family', consent_id set). The invitation is a one-time code stored as its hash; it
-- is cleared when used. login is chosen when the invitation is accepted.
CREATE TABLE portal_accounts (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients(id),
    kind             TEXT NOT NULL CHECK (kind IN ('client', 'family')),
    consent_id       TEXT REFERENCES consents(id),
    name             TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    login            TEXT UNIQUE,
    password_hash    TEXT NOT NULL DEFAULT '',
    invite_hash      TEXT UNIQUE,
    invite_expires   TIMESTAMP,
    invited_by       TEXT NOT NULL REFERENCES users(id),
    invited_at       TIMESTAMP NOT NULL,
    activated_at     TIMESTAMP,
    disabled_at      TIMESTAMP,
    remind_sessions  BOOLEAN NOT NULL DEFAULT FALSE,
    remind_measures  BOOLEAN NOT NULL DEFAULT FALSE,
    name_program     BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK ((kind = 'family') = (consent_id IS NOT NULL))
);
CREATE UNIQUE INDEX portal_accounts_one_per_client ON portal_accounts (client_id) WHERE kind = 'client' AND disabled_at IS NULL;

-- Portal sessions live beside staff sessions but in their own table: a portal token can never be
-- looked up as a staff session.
CREATE TABLE portal_sessions (
    token_hash    TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES portal_accounts(id),
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL
);
CREATE INDEX portal_sessions_account ON portal_sessions (account_id);

-- A client's daily check-in from the portal: craving and mood on 0-10, any use since the last one.
CREATE TABLE daily_checkins (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id),
    day         TEXT NOT NULL,
    craving     INTEGER NOT NULL CHECK (craving BETWEEN 0 AND 10),
    mood        INTEGER NOT NULL CHECK (mood BETWEEN 0 AND 10),
    used        BOOLEAN NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (client_id, day)
);

-- A meeting the client says ahead of time they will miss. Accepted, it is marked absent (excused).
CREATE TABLE absence_notices (
    id            TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES clients(id),
    series_id     TEXT NOT NULL REFERENCES group_series(id),
    meeting_date  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    submitted_at  TIMESTAMP NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    decided_by    TEXT REFERENCES users(id),
    decided_at    TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX absence_notices_once ON absence_notices (client_id, series_id, meeting_date) WHERE status IN ('pending', 'accepted');
CREATE INDEX absence_notices_pending ON absence_notices (submitted_at) WHERE status = 'pending';

-- A measure the client completed in the portal has no staff administrator. SQLite cannot drop a NOT
-- NULL, so the table is rebuilt; the foreign keys that point at it are checked at commit.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE measures_before_portal AS SELECT * FROM measures;
DROP TABLE measures;
CREATE TABLE measures (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients(id),
    episode_id       TEXT REFERENCES episodes(id),
    instrument       TEXT NOT NULL,
    answers          TEXT NOT NULL,
    sex              TEXT NOT NULL DEFAULT '',
    total            INTEGER NOT NULL,
    band             TEXT NOT NULL,
    result           TEXT NOT NULL,
    urgent           BOOLEAN NOT NULL,
    administered_on  TEXT NOT NULL,
    administered_by  TEXT REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    self_reported    BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (self_reported OR administered_by IS NOT NULL)
);
INSERT INTO measures (id, client_id, episode_id, instrument, answers, sex, total, band, result, urgent, administered_on,
        administered_by, created_at)
    SELECT id, client_id, episode_id, instrument, answers, sex, total, band, result, urgent, administered_on,
        administered_by, created_at FROM measures_before_portal;
DROP TABLE measures_before_portal;
CREATE INDEX measures_client ON measures (client_id, instrument, administered_on);

-- A client subscribes to their own calendar from the portal: the token then has no staff creator.
CREATE TABLE calendar_tokens_before_portal AS SELECT * FROM calendar_tokens;
DROP TABLE calendar_tokens;
CREATE TABLE calendar_tokens (
    token_hash  TEXT PRIMARY KEY,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('client', 'user', 'room')),
    owner_id    TEXT NOT NULL,
    created_by  TEXT REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
INSERT INTO calendar_tokens SELECT token_hash, owner_kind, owner_id, created_by, created_at, revoked_at FROM calendar_tokens_before_portal;
DROP TABLE calendar_tokens_before_portal;
CREATE INDEX calendar_tokens_owner ON calendar_tokens (owner_kind, owner_id);

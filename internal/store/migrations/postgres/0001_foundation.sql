-- OpenIOP foundation schema for PostgreSQL. Keep in step with sqlite/0001_foundation.sql:
-- same tables, columns and constraints; only the types differ (DATE, TIMESTAMPTZ).

CREATE TABLE organization (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL,
    website     TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sites (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE programs (
    id                  TEXT PRIMARY KEY,
    site_id             TEXT NOT NULL REFERENCES sites(id),
    name                TEXT NOT NULL,
    population          TEXT NOT NULL CHECK (population IN ('adult', 'adolescent')),
    level_of_care       TEXT NOT NULL,
    min_weekly_minutes  INTEGER NOT NULL CHECK (min_weekly_minutes > 0),
    description         TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE tracks (
    id            TEXT PRIMARY KEY,
    program_id    TEXT NOT NULL REFERENCES programs(id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('morning', 'afternoon', 'evening', 'weekend')),
    days          TEXT NOT NULL CHECK (days <> ''),
    start_minute  INTEGER NOT NULL CHECK (start_minute >= 0 AND start_minute < 1440),
    end_minute    INTEGER NOT NULL CHECK (end_minute > start_minute AND end_minute <= 1440),
    room          TEXT NOT NULL DEFAULT '',
    capacity      INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX tracks_program ON tracks (program_id);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    credentials    TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL CHECK (role IN ('admin', 'clinical_director', 'clinician', 'admissions', 'biller', 'front_desk')),
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Sign-in failures per key ("account:<email>" or "ip:<address>"), shared by every replica.
CREATE TABLE login_failures (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failed_at  TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ NOT NULL
);

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('mrn', 1000);

CREATE TABLE clients (
    id                      TEXT PRIMARY KEY,
    mrn                     TEXT NOT NULL UNIQUE,
    first_name              TEXT NOT NULL,
    last_name               TEXT NOT NULL,
    preferred_name          TEXT NOT NULL DEFAULT '',
    pronouns                TEXT NOT NULL DEFAULT '',
    date_of_birth           DATE NOT NULL,
    sex_at_birth            TEXT NOT NULL DEFAULT '' CHECK (sex_at_birth IN ('', 'female', 'male')),
    phone                   TEXT NOT NULL DEFAULT '',
    email                   TEXT NOT NULL DEFAULT '',
    address                 TEXT NOT NULL DEFAULT '',
    emergency_name          TEXT NOT NULL DEFAULT '',
    emergency_relationship  TEXT NOT NULL DEFAULT '',
    emergency_phone         TEXT NOT NULL DEFAULT '',
    search_text             TEXT NOT NULL,
    -- The current episode (the open one, else the latest) and its status, kept by the store in the
    -- same transaction as every episode change, so lists need no per-row subquery.
    current_episode_id      TEXT,
    care_status             TEXT NOT NULL DEFAULT 'registered' CHECK (care_status IN ('registered', 'active', 'discharged')),
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX clients_name ON clients (last_name, first_name, id);
CREATE INDEX clients_status_name ON clients (care_status, last_name, first_name, id);
CREATE INDEX clients_current_episode ON clients (current_episode_id);

CREATE TABLE episodes (
    id                    TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL REFERENCES clients(id),
    program_id            TEXT NOT NULL REFERENCES programs(id),
    track_id              TEXT REFERENCES tracks(id),
    level_of_care         TEXT NOT NULL,
    admission_date        DATE NOT NULL,
    discharge_date        DATE,
    status                TEXT NOT NULL CHECK (status IN ('active', 'discharged')),
    primary_counselor_id  TEXT REFERENCES users(id),
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    CHECK (discharge_date IS NULL OR discharge_date >= admission_date)
);
CREATE INDEX episodes_client ON episodes (client_id, admission_date);
CREATE INDEX episodes_counselor ON episodes (primary_counselor_id, status);
CREATE INDEX episodes_track ON episodes (track_id, status);
-- A client has at most one open episode per program.
CREATE UNIQUE INDEX episodes_one_open ON episodes (client_id, program_id) WHERE status = 'active';

-- The audit log: append-only and hash-chained (see internal/audit).
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    category    TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    ip          TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_client ON audit_log (client_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain's head: its row lock serializes appends on PostgreSQL, and comparing it with the
-- last record detects records cut off the end.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

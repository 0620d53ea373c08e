-- The program calendar for SQLite. Keep in step with postgres/0004_schedule.sql (only the types differ).

-- A recurring group within a track: RFC 5545 weekly recurrence from first_date.
CREATE TABLE group_series (
    id                 TEXT PRIMARY KEY,
    track_id           TEXT NOT NULL REFERENCES tracks(id),
    title              TEXT NOT NULL,
    type               TEXT NOT NULL CHECK (type IN ('process', 'psychoeducation', 'relapse_prevention', 'skills', 'family_education', 'vocational', 'other')),
    rrule              TEXT NOT NULL,
    first_date         TEXT NOT NULL,
    until_date         TEXT,
    start_minute       INTEGER NOT NULL CHECK (start_minute >= 0 AND start_minute < 1440),
    minutes            INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 480),
    facilitator_id     TEXT NOT NULL REFERENCES users(id),
    co_facilitator_id  TEXT REFERENCES users(id),
    room               TEXT NOT NULL DEFAULT '',
    telehealth_url     TEXT NOT NULL DEFAULT '',
    min_capacity       INTEGER NOT NULL DEFAULT 0,
    max_capacity       INTEGER NOT NULL,
    open_cohort        BOOLEAN NOT NULL DEFAULT TRUE,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    CHECK (max_capacity >= 1 AND min_capacity >= 0 AND min_capacity <= max_capacity),
    CHECK (until_date IS NULL OR until_date >= first_date)
);
CREATE INDEX group_series_track ON group_series (track_id);
CREATE INDEX group_series_facilitator ON group_series (facilitator_id);

-- One occurrence cancelled or moved.
CREATE TABLE series_exceptions (
    series_id          TEXT NOT NULL REFERENCES group_series(id),
    original_date      TEXT NOT NULL,
    cancelled          BOOLEAN NOT NULL,
    new_date           TEXT,
    new_start_minute   INTEGER,
    reason             TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL REFERENCES users(id),
    created_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (series_id, original_date)
);

-- Days the whole center is closed.
CREATE TABLE closures (
    closure_date  TEXT PRIMARY KEY,
    reason        TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE series_enrolments (
    series_id    TEXT NOT NULL REFERENCES group_series(id),
    client_id    TEXT NOT NULL REFERENCES clients(id),
    status       TEXT NOT NULL CHECK (status IN ('enrolled', 'waitlisted')),
    enrolled_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (series_id, client_id)
);
CREATE INDEX series_enrolments_client ON series_enrolments (client_id);

CREATE TABLE appointments (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients(id),
    clinician_id    TEXT NOT NULL REFERENCES users(id),
    kind            TEXT NOT NULL CHECK (kind IN ('individual', 'family', 'intake', 'medication')),
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP NOT NULL,
    room            TEXT NOT NULL DEFAULT '',
    telehealth_url  TEXT NOT NULL DEFAULT '',
    family          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    cancelled_at    TIMESTAMP,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX appointments_clinician ON appointments (clinician_id, starts_at);
CREATE INDEX appointments_room ON appointments (room, starts_at);
CREATE INDEX appointments_client ON appointments (client_id, starts_at);

-- A client's weekly busy windows (work, school) and blackout dates.
CREATE TABLE client_busy (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    from_minute  INTEGER NOT NULL CHECK (from_minute >= 0 AND from_minute < 1440),
    to_minute    INTEGER NOT NULL CHECK (to_minute > from_minute AND to_minute <= 1440),
    label        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX client_busy_client ON client_busy (client_id);
CREATE TABLE client_blackouts (
    client_id      TEXT NOT NULL REFERENCES clients(id),
    blackout_date  TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (client_id, blackout_date)
);

-- Private calendar feed tokens; only a hash is stored. owner_kind is client, user or room.
CREATE TABLE calendar_tokens (
    token_hash  TEXT PRIMARY KEY,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('client', 'user', 'room')),
    owner_id    TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX calendar_tokens_owner ON calendar_tokens (owner_kind, owner_id);

-- Rows locked by bookings, so two bookings of one clinician, room or group take turns.
CREATE TABLE schedule_locks (
    resource  TEXT PRIMARY KEY,
    version   BIGINT NOT NULL
);

-- In-app notices to staff (schedule changes and the like).
CREATE TABLE notices (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    text        TEXT NOT NULL,
    link        TEXT NOT NULL DEFAULT '',
    read_at     TIMESTAMP
);
CREATE INDEX notices_user ON notices (user_id, read_at);

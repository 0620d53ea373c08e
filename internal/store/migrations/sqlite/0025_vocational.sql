-- Vocational counseling as a kind of appointment with its own note format (VOC).
-- Keep in step with postgres/0025_vocational.sql. SQLite cannot change a CHECK in place, so both tables are
-- rebuilt with the same columns, rows and indexes. Each is copied aside, dropped, created anew under its own
-- name and filled again: foreign keys that point at it (session notes, addenda) are deferred to the commit, and
-- SQLite counts them satisfied again as the rows return to a table of that name.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE appointments_copy AS SELECT * FROM appointments;
DROP TABLE appointments;
CREATE TABLE appointments (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients(id),
    clinician_id    TEXT NOT NULL REFERENCES users(id),
    kind            TEXT NOT NULL CHECK (kind IN ('individual', 'family', 'intake', 'medication', 'vocational')),
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
    no_show_at      TIMESTAMP,
    no_show_by      TEXT REFERENCES users(id),
    CHECK (ends_at > starts_at)
);
INSERT INTO appointments (id, client_id, clinician_id, kind, starts_at, ends_at, room, telehealth_url, family, note,
    cancelled_at, version, created_by, created_at, no_show_at, no_show_by)
SELECT id, client_id, clinician_id, kind, starts_at, ends_at, room, telehealth_url, family, note,
    cancelled_at, version, created_by, created_at, no_show_at, no_show_by FROM appointments_copy;
DROP TABLE appointments_copy;
CREATE INDEX appointments_clinician ON appointments (clinician_id, starts_at);
CREATE INDEX appointments_room ON appointments (room, starts_at);
CREATE INDEX appointments_client ON appointments (client_id, starts_at);

CREATE TABLE session_notes_copy AS SELECT * FROM session_notes;
DROP TABLE session_notes;
CREATE TABLE session_notes (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients(id),
    appointment_id  TEXT NOT NULL UNIQUE REFERENCES appointments(id),
    format          TEXT NOT NULL CHECK (format IN ('DAP', 'BIRP', 'SOAP', 'VOC')),
    parts           TEXT NOT NULL,
    minutes         INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 480),
    service_type    TEXT NOT NULL,
    author_id       TEXT NOT NULL REFERENCES users(id),
    signed_at       TIMESTAMP,
    signed_by       TEXT REFERENCES users(id),
    cosign_needed   BOOLEAN NOT NULL DEFAULT FALSE,
    cosigned_at     TIMESTAMP,
    cosigned_by     TEXT REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
INSERT INTO session_notes (id, client_id, appointment_id, format, parts, minutes, service_type, author_id,
    signed_at, signed_by, cosign_needed, cosigned_at, cosigned_by, created_at, updated_at)
SELECT id, client_id, appointment_id, format, parts, minutes, service_type, author_id,
    signed_at, signed_by, cosign_needed, cosigned_at, cosigned_by, created_at, updated_at FROM session_notes_copy;
DROP TABLE session_notes_copy;
CREATE INDEX session_notes_client ON session_notes (client_id);

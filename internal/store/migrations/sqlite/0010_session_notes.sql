-- Individual, family, intake and medication session notes for SQLite. Keep in step with postgres/0010_session_notes.sql.
CREATE TABLE session_notes (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients(id),
    appointment_id  TEXT NOT NULL UNIQUE REFERENCES appointments(id),
    format          TEXT NOT NULL CHECK (format IN ('DAP', 'BIRP', 'SOAP')),
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
CREATE INDEX session_notes_client ON session_notes (client_id);
CREATE TABLE session_note_addenda (
    id          TEXT PRIMARY KEY,
    note_id     TEXT NOT NULL REFERENCES session_notes(id),
    text        TEXT NOT NULL,
    written_by  TEXT NOT NULL REFERENCES users(id),
    written_at  TIMESTAMP NOT NULL
);

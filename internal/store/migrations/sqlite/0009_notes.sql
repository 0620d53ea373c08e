-- Group notes for SQLite. Keep in step with postgres/0009_notes.sql (only the types differ).

-- Whether a program's notes need a supervisor's co-signature.
ALTER TABLE programs ADD COLUMN cosign_required BOOLEAN NOT NULL DEFAULT FALSE;

-- One note per group meeting: the shared part, written once. Locked once signed_at is set.
CREATE TABLE group_notes (
    id               TEXT PRIMARY KEY,
    series_id        TEXT NOT NULL REFERENCES group_series(id),
    occurrence_date  TEXT NOT NULL,
    topic            TEXT NOT NULL DEFAULT '',
    interventions    TEXT NOT NULL DEFAULT '',
    dynamics         TEXT NOT NULL DEFAULT '',
    author_id        TEXT NOT NULL REFERENCES users(id),
    signed_at        TIMESTAMP,
    signed_by        TEXT REFERENCES users(id),
    cosign_needed    BOOLEAN NOT NULL DEFAULT FALSE,
    cosigned_at      TIMESTAMP,
    cosigned_by      TEXT REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (series_id, occurrence_date)
);

-- Each attending client's own section; a client's chart shows only theirs.
CREATE TABLE group_note_sections (
    note_id        TEXT NOT NULL REFERENCES group_notes(id),
    client_id      TEXT NOT NULL REFERENCES clients(id),
    participation  TEXT NOT NULL DEFAULT '',
    response       TEXT NOT NULL DEFAULT '',
    progress       TEXT NOT NULL DEFAULT '',
    plan           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (note_id, client_id)
);
CREATE INDEX group_note_sections_client ON group_note_sections (client_id);

-- Dated additions to signed notes; append-only.
CREATE TABLE note_addenda (
    id          TEXT PRIMARY KEY,
    note_id     TEXT NOT NULL REFERENCES group_notes(id),
    text        TEXT NOT NULL,
    written_by  TEXT NOT NULL REFERENCES users(id),
    written_at  TIMESTAMP NOT NULL
);
CREATE INDEX note_addenda_note ON note_addenda (note_id, written_at);

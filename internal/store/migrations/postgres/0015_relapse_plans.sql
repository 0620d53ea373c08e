-- Relapse-prevention plans for PostgreSQL. Keep in step with sqlite/0015_relapse_plans.sql (only the types differ).
-- Every save is a new version; author_kind says whether staff or the client wrote it (author_id is then
-- a user or a client). The crisis steps are not stored: every plan shows them.
CREATE TABLE relapse_plans (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients(id),
    version      INTEGER NOT NULL CHECK (version >= 1),
    content      TEXT NOT NULL,
    author_kind  TEXT NOT NULL CHECK (author_kind IN ('staff', 'client')),
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (client_id, version)
);

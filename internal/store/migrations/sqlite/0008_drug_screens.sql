-- Drug and alcohol screens for SQLite. Keep in step with postgres/0008_drug_screens.sql.
CREATE TABLE drug_screens (
    id            TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES clients(id),
    screen_date   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('collected', 'refused', 'missed')),
    specimen      TEXT NOT NULL DEFAULT '',
    observed      BOOLEAN NOT NULL DEFAULT FALSE,
    results       TEXT NOT NULL,
    prescribed    TEXT NOT NULL DEFAULT '',
    confirmation  TEXT NOT NULL DEFAULT '',
    response      TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL REFERENCES users(id),
    recorded_at   TIMESTAMP NOT NULL
);
CREATE INDEX drug_screens_client ON drug_screens (client_id, screen_date);

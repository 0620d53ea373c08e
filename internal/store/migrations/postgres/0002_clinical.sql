-- The clinical core for PostgreSQL: measures, level-of-care assessments, the episode's history and
-- discharge. Keep in step with sqlite/0002_clinical.sql (only the types differ).

ALTER TABLE programs ADD COLUMN review_interval_days INTEGER NOT NULL DEFAULT 30
    CHECK (review_interval_days BETWEEN 1 AND 365);
-- ICD-10-CM codes separated by spaces; the next continued-stay review (NULL once discharged).
ALTER TABLE episodes ADD COLUMN diagnoses TEXT NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN review_due DATE;
CREATE INDEX episodes_review_due ON episodes (status, review_due);
CREATE INDEX episodes_counselor_review ON episodes (primary_counselor_id, status, review_due);

-- Instruments a center has switched off (licence terms, or not used here).
CREATE TABLE disabled_instruments (
    code         TEXT PRIMARY KEY,
    disabled_by  TEXT NOT NULL REFERENCES users(id),
    disabled_at  TIMESTAMPTZ NOT NULL
);

-- One administration of an instrument: answers as given (JSON) and the result they scored.
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
    administered_on  DATE NOT NULL,
    administered_by  TEXT NOT NULL REFERENCES users(id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX measures_client ON measures (client_id, instrument, administered_on);

-- A level-of-care assessment. The ratings are columns (checked 0-4); the evidence, crisis
-- findings, SUD criteria per substance and the engine's explained recommendation are JSON.
-- The decision is written once: the store only sets it while decided_level IS NULL.
CREATE TABLE assessments (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL REFERENCES clients(id),
    episode_id         TEXT REFERENCES episodes(id),
    assessed_on        DATE NOT NULL,
    rating_1           INTEGER NOT NULL CHECK (rating_1 BETWEEN 0 AND 4),
    rating_2           INTEGER NOT NULL CHECK (rating_2 BETWEEN 0 AND 4),
    rating_3           INTEGER NOT NULL CHECK (rating_3 BETWEEN 0 AND 4),
    rating_4           INTEGER NOT NULL CHECK (rating_4 BETWEEN 0 AND 4),
    rating_5           INTEGER NOT NULL CHECK (rating_5 BETWEEN 0 AND 4),
    rating_6           INTEGER NOT NULL CHECK (rating_6 BETWEEN 0 AND 4),
    evidence           TEXT NOT NULL,
    crisis             TEXT NOT NULL,
    findings           TEXT NOT NULL,
    recommended_level  TEXT NOT NULL,
    recommendation     TEXT NOT NULL,
    assessed_by        TEXT NOT NULL REFERENCES users(id),
    created_at         TIMESTAMPTZ NOT NULL,
    decided_level      TEXT,
    decision_reason    TEXT NOT NULL DEFAULT '',
    decided_by         TEXT REFERENCES users(id),
    decided_at         TIMESTAMPTZ
);
CREATE INDEX assessments_client ON assessments (client_id, assessed_on);

-- The episode's history: admission, level and track changes, reviews, discharge. Append-only.
CREATE TABLE episode_events (
    id             TEXT PRIMARY KEY,
    episode_id     TEXT NOT NULL REFERENCES episodes(id),
    kind           TEXT NOT NULL CHECK (kind IN ('admission', 'step_down', 'step_up', 'track_change', 'review', 'discharge')),
    event_date     DATE NOT NULL,
    from_level     TEXT NOT NULL DEFAULT '',
    to_level       TEXT NOT NULL DEFAULT '',
    from_track_id  TEXT REFERENCES tracks(id),
    to_track_id    TEXT REFERENCES tracks(id),
    reason         TEXT NOT NULL DEFAULT '',
    assessment_id  TEXT REFERENCES assessments(id),
    recorded_by    TEXT REFERENCES users(id),
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX episode_events_episode ON episode_events (episode_id, event_date);
CREATE FUNCTION episode_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'episode_events is append-only';
END
$$;
CREATE TRIGGER episode_events_no_change BEFORE UPDATE OR DELETE ON episode_events
    FOR EACH ROW EXECUTE FUNCTION episode_events_append_only();

-- The discharge summary and aftercare plan, one per discharged episode.
CREATE TABLE discharges (
    episode_id        TEXT PRIMARY KEY REFERENCES episodes(id),
    discharge_date    DATE NOT NULL,
    discharge_type    TEXT NOT NULL CHECK (discharge_type IN ('completed', 'left_before_completion', 'administrative', 'transferred', 'other')),
    reason            TEXT NOT NULL,
    services          TEXT NOT NULL DEFAULT '',
    progress          TEXT NOT NULL DEFAULT '',
    next_level        TEXT NOT NULL,
    provider          TEXT NOT NULL DEFAULT '',
    appointments      TEXT NOT NULL DEFAULT '',
    supports          TEXT NOT NULL DEFAULT '',
    relapse_plan      TEXT NOT NULL DEFAULT '',
    recorded_by       TEXT NOT NULL REFERENCES users(id),
    recorded_at       TIMESTAMPTZ NOT NULL
);

-- An instrument assigned to a client to complete (in the portal), until a result of that
-- instrument is recorded for the client or the assignment is cancelled.
CREATE TABLE measure_assignments (
    id                    TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL REFERENCES clients(id),
    instrument            TEXT NOT NULL,
    due_on                DATE NOT NULL,
    note                  TEXT NOT NULL DEFAULT '',
    assigned_by           TEXT NOT NULL REFERENCES users(id),
    assigned_at           TIMESTAMPTZ NOT NULL,
    completed_measure_id  TEXT REFERENCES measures(id),
    cancelled_at          TIMESTAMPTZ
);
CREATE INDEX measure_assignments_client ON measure_assignments (client_id, completed_measure_id);

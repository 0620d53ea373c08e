-- Measurement-based care: per-program measure schedules, the background jobs that act on them,
-- and safety alerts that stay until a clinician documents a response. Keep in step with
-- sqlite/0019_measurement_care.sql (only the types differ).

-- An instrument a program gives at admission (optionally) and then every every_days days while
-- the episode is active. set_by is who set it; the assignments it makes name them as the author.
CREATE TABLE measure_schedules (
    program_id    TEXT NOT NULL REFERENCES programs(id),
    instrument    TEXT NOT NULL,
    every_days    INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 180),
    at_admission  BOOLEAN NOT NULL DEFAULT TRUE,
    set_by        TEXT NOT NULL REFERENCES users(id),
    set_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (program_id, instrument)
);

-- Assignments the schedule made: at most one per client, instrument and due date, so two
-- replicas running the job at once (or one running it twice) never assign a measure twice.
ALTER TABLE measure_assignments ADD COLUMN scheduled BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX measure_assignments_scheduled ON measure_assignments (client_id, instrument, due_on) WHERE scheduled;
CREATE INDEX measure_assignments_due ON measure_assignments (due_on) WHERE completed_measure_id IS NULL AND cancelled_at IS NULL;

-- Durable background jobs: one row per job; a replica runs a job only while it holds the lease.
CREATE TABLE jobs (
    name          TEXT PRIMARY KEY,
    next_run_at   TIMESTAMPTZ NOT NULL,
    lease_holder  TEXT NOT NULL DEFAULT '',
    lease_until   TIMESTAMPTZ,
    last_started  TIMESTAMPTZ,
    last_finished TIMESTAMPTZ,
    last_result   TEXT NOT NULL DEFAULT ''
);

-- A measure whose answers call for a response now (a suicide item, dangerous withdrawal, a severe
-- score). Open until a clinician records what was done; the time to response is reported.
CREATE TABLE safety_alerts (
    id             TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES clients(id),
    measure_id     TEXT NOT NULL UNIQUE REFERENCES measures(id),
    reason         TEXT NOT NULL,
    counselor_id   TEXT REFERENCES users(id),
    raised_at      TIMESTAMPTZ NOT NULL,
    responded_at   TIMESTAMPTZ,
    responded_by   TEXT REFERENCES users(id),
    action         TEXT NOT NULL DEFAULT '',
    response       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX safety_alerts_open ON safety_alerts (raised_at) WHERE responded_at IS NULL;
CREATE INDEX safety_alerts_client ON safety_alerts (client_id, raised_at);

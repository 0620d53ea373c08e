-- Treatment plans, their reviews, and the objectives notes address, for PostgreSQL. Keep in step with sqlite/0013_treatment_plans.sql (only the types differ).

-- When a program's first plan is due after admission, and how often plans are reviewed.
ALTER TABLE programs ADD COLUMN plan_initial_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE programs ADD COLUMN plan_review_days INTEGER NOT NULL DEFAULT 30;

-- One row per version. content is the client's statement and the problems as JSON; a version is
-- locked once signed_at is set (the store refuses to change it).
CREATE TABLE treatment_plans (
    id                    TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL REFERENCES clients(id),
    episode_id            TEXT NOT NULL REFERENCES episodes(id),
    version               INTEGER NOT NULL CHECK (version >= 1),
    plan_date             DATE NOT NULL,
    content               TEXT NOT NULL,
    author_id             TEXT NOT NULL REFERENCES users(id),
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    signed_at             TIMESTAMPTZ,
    signed_by             TEXT REFERENCES users(id),
    supervisor_needed     BOOLEAN NOT NULL DEFAULT FALSE,
    supervisor_signed_at  TIMESTAMPTZ,
    supervisor_signed_by  TEXT REFERENCES users(id),
    client_signed_at      TIMESTAMPTZ,
    client_signature      TEXT,
    client_witness_id     TEXT REFERENCES users(id),
    UNIQUE (episode_id, version)
);
CREATE INDEX treatment_plans_client ON treatment_plans (client_id, version);
-- At most one draft per episode: a revision continues the draft rather than forking it.
CREATE UNIQUE INDEX treatment_plans_one_draft ON treatment_plans (episode_id) WHERE signed_at IS NULL;

-- The objectives of every version, so notes and reviews can point at one and be checked.
CREATE TABLE plan_objectives (
    plan_id       TEXT NOT NULL REFERENCES treatment_plans(id),
    objective_id  TEXT NOT NULL,
    client_id     TEXT NOT NULL REFERENCES clients(id),
    text          TEXT NOT NULL,
    target_date   DATE NOT NULL,
    PRIMARY KEY (plan_id, objective_id)
);
CREATE INDEX plan_objectives_client ON plan_objectives (client_id, objective_id);

-- Reviews of a signed version: progress per objective as JSON.
CREATE TABLE plan_reviews (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES treatment_plans(id),
    client_id    TEXT NOT NULL REFERENCES clients(id),
    review_date  DATE NOT NULL,
    entries      TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    reviewed_by  TEXT NOT NULL REFERENCES users(id),
    reviewed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_reviews_plan ON plan_reviews (plan_id, review_date);

-- Which objectives a group-note section or a session note addressed.
CREATE TABLE note_objectives (
    note_kind     TEXT NOT NULL CHECK (note_kind IN ('group', 'session')),
    note_id       TEXT NOT NULL,
    client_id     TEXT NOT NULL REFERENCES clients(id),
    objective_id  TEXT NOT NULL,
    PRIMARY KEY (note_kind, note_id, client_id, objective_id)
);
CREATE INDEX note_objectives_objective ON note_objectives (client_id, objective_id);

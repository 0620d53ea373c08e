-- Care-team access. Keep in step with sqlite/0017_care_team.sql (only the types differ).
-- The center's setting: when on, a clinician opens only the records of clients they care for
-- (primary counselor, group facilitator, an appointment, or named on the care team) or reach
-- by emergency access.
ALTER TABLE organization ADD COLUMN care_team_access BOOLEAN NOT NULL DEFAULT TRUE;

-- Staff a director has added to a client's care team beyond those the schedule implies.
CREATE TABLE care_team (
    client_id  TEXT NOT NULL REFERENCES clients(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    added_by   TEXT NOT NULL REFERENCES users(id),
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_id, user_id)
);

-- Emergency ("break-glass") access: a reason, a time limit, and the director's review.
-- Append-only apart from the review.
CREATE TABLE emergency_access (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL,
    granted_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    reviewed_by  TEXT REFERENCES users(id),
    reviewed_at  TIMESTAMPTZ
);
CREATE INDEX emergency_access_user ON emergency_access (user_id, client_id, expires_at);
CREATE INDEX emergency_access_granted ON emergency_access (granted_at);

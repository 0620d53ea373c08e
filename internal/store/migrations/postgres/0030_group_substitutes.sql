-- A substitute facilitator for one meeting of a group, named by a director. Under the care-team
-- rule the substitute may take that meeting's attendance and write its note, and open its members'
-- records until access_until (a week after the meeting, to finish the note). Keep in step with
-- sqlite/0030_group_substitutes.sql (only the types differ).
CREATE TABLE group_substitutes (
    series_id     TEXT NOT NULL REFERENCES group_series(id),
    meeting_date  DATE NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    reason        TEXT NOT NULL,
    access_until  TIMESTAMPTZ NOT NULL,
    named_by      TEXT NOT NULL REFERENCES users(id),
    named_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (series_id, meeting_date)
);
CREATE INDEX group_substitutes_user ON group_substitutes (user_id, access_until);

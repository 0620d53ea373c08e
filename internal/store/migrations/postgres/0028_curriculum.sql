-- Each track's curriculum: the ordered group topics its meetings work through, one a week, round the list.
-- Keep in step with the other engine's 0028_curriculum.sql (only the types differ).
CREATE TABLE curriculum_topics (
    id          TEXT PRIMARY KEY,
    track_id    TEXT NOT NULL REFERENCES tracks(id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    created_by  TEXT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (track_id, position)
);

-- Form submissions that took effect, by their key, so that sending a form again saves nothing twice.
-- Keep in step with postgres/0034_submissions.sql (only the types differ). Rows live a day.
CREATE TABLE submissions (
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX submissions_created ON submissions (created_at);

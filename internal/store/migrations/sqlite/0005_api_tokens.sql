-- Bearer tokens for the JSON API, for SQLite. Keep in step with postgres/0005_api_tokens.sql.
-- Only a hash is stored; a token acts as its user, with the user's role, while both are active.
CREATE TABLE api_tokens (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

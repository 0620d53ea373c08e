-- Bearer tokens for the JSON API, for PostgreSQL. Keep in step with sqlite/0005_api_tokens.sql.
-- Only a hash is stored; a token acts as its user, with the user's role, while both are active.
CREATE TABLE api_tokens (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

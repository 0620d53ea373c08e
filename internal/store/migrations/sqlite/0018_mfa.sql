-- Two-step sign-in with a time-based one-time code (RFC 6238). Keep in step with postgres/0018_mfa.sql.
-- totp_pending holds a key being set up until the person confirms a code from it; totp_last_step
-- is the last time step accepted, so a code is never accepted twice. Recovery codes are stored as
-- SHA-256 of high-entropy random codes, each usable once.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN mfa_exempt BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organization ADD COLUMN mfa_required BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    used_at    TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

-- A password accepted, the code not yet: the browser holds a token for a few minutes.
CREATE TABLE mfa_challenges (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    expires_at  TIMESTAMP NOT NULL
);

-- Single sign-on with OpenID Connect, for PostgreSQL. Keep in step with sqlite/0033_sso.sql (only the types differ).
-- A staff account is linked to one identity at the provider (issuer and subject) the first time it signs in that way.
ALTER TABLE users ADD COLUMN sso_issuer TEXT;
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_sso ON users (sso_issuer, sso_subject);

-- Sign-ins in progress: the hash of the state sent to the provider, with the nonce and PKCE verifier the
-- callback needs. A row is used once and lives ten minutes; every replica can finish any browser's sign-in.
CREATE TABLE sso_logins (
    state_hash  TEXT PRIMARY KEY,
    nonce       TEXT NOT NULL,
    verifier    TEXT NOT NULL,
    next        TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

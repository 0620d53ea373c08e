-- Optional two-step sign-in for portal accounts (an authenticator app's code). Keep in step with
-- postgres/0022_portal_two_step.sql (only the types differ). A portal account has no recovery codes:
-- the counselor's reset of the access clears the key.
ALTER TABLE portal_accounts ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE portal_accounts ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE portal_accounts ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- After the right password, the step waiting for the code: a short-lived token in its own cookie.
CREATE TABLE portal_challenges (
    token_hash  TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES portal_accounts(id),
    expires_at  TIMESTAMP NOT NULL
);

-- Emails to portal accounts (reminders the client opted into). Keep in step with
-- sqlite/0021_portal_outbox.sql (only the types differ). dedupe_key makes each reminder once:
-- a job that runs twice, or on two replicas, queues it once. Without SMTP (demo mode) messages
-- stay here and the outbox page shows them.
CREATE TABLE portal_outbox (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES portal_accounts(id),
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    dedupe_key  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_outbox_unsent ON portal_outbox (created_at) WHERE sent_at IS NULL;

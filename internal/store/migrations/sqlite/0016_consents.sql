-- 42 CFR part 2 consents and the disclosures made under them. Keep in step with postgres/0016_consents.sql
-- (only the types differ). A consent is never edited: it is revoked (revoked_at set once) and a new one
-- recorded. Disclosures are append-only: they are the accounting of disclosures.
CREATE TABLE consents (
    id                TEXT PRIMARY KEY,
    client_id         TEXT NOT NULL REFERENCES clients(id),
    client_name       TEXT NOT NULL,
    discloser         TEXT NOT NULL,
    recipient_kind    TEXT NOT NULL CHECK (recipient_kind IN ('person', 'organization', 'class')),
    recipient_name    TEXT NOT NULL,
    recipient_detail  TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    purpose_detail    TEXT NOT NULL,
    categories        TEXT NOT NULL,
    expiry            TEXT NOT NULL CHECK (expiry IN ('date', 'end_of_treatment', 'none')),
    expires_on        TEXT,
    signer_name       TEXT NOT NULL,
    signer_authority  TEXT NOT NULL CHECK (signer_authority IN ('client', 'guardian', 'representative')),
    signed_on         TEXT NOT NULL,
    statements_given  BOOLEAN NOT NULL,
    recorded_by       TEXT NOT NULL REFERENCES users(id),
    recorded_at       TIMESTAMP NOT NULL,
    revoked_at        TIMESTAMP,
    revoked_by        TEXT REFERENCES users(id),
    revocation_note   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consents_client ON consents (client_id);

CREATE TABLE disclosures (
    id            TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES clients(id),
    consent_id    TEXT NOT NULL REFERENCES consents(id),
    recipient     TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    categories    TEXT NOT NULL,
    channel       TEXT NOT NULL,
    description   TEXT NOT NULL,
    notice        TEXT NOT NULL,
    packet        TEXT NOT NULL, -- JSON: the sections as disclosed
    by_id         TEXT NOT NULL,
    by_name       TEXT NOT NULL,
    disclosed_at  TIMESTAMP NOT NULL
);
CREATE INDEX disclosures_client ON disclosures (client_id, disclosed_at);
CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
BEGIN
    SELECT RAISE(ABORT, 'disclosures are append-only');
END;
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN
    SELECT RAISE(ABORT, 'disclosures are append-only');
END;

-- Signed anchors of the audit chain's head, for SQLite. Keep in step with postgres/0014_audit_anchors.sql (only the types differ).
-- Each row is the head (seq, hash) as of at, signed with an Ed25519 key kept outside the database
-- (see internal/audit/anchor.go). A copy of every anchor also goes to an anchor log on other storage.
CREATE TABLE audit_anchors (
    seq        BIGINT PRIMARY KEY,
    hash       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    signature  TEXT NOT NULL
);

-- How a person expects to pay, asked on the public self-assessment and inquiry; the admissions
-- checklist for it; and the center's cost settings: what each payer type usually means (shown on the
-- public result), the self-pay fee schedule and the sliding scale. Keep in step with
-- sqlite/0024_payer.sql (only the types differ). Money is in whole cents. Who changed a setting, and
-- when, is in the audit log.
ALTER TABLE inquiries ADD COLUMN payer TEXT NOT NULL DEFAULT ''
    CHECK (payer IN ('', 'medicaid', 'medicare', 'commercial', 'employer', 'self_pay', 'not_sure'));
ALTER TABLE inquiries ADD COLUMN member_id TEXT NOT NULL DEFAULT '';
-- For the sliding scale, only when the person pays themselves: 0 and NULL when not given.
ALTER TABLE inquiries ADD COLUMN household_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inquiries ADD COLUMN household_income_cents BIGINT;

-- The admissions checklist: each item as last set, by whom and when (earlier values are in the audit log).
CREATE TABLE inquiry_checks (
    inquiry_id  TEXT NOT NULL REFERENCES inquiries(id),
    item        TEXT NOT NULL CHECK (item IN ('benefits_verified', 'preauth', 'estimate_told')),
    value       TEXT NOT NULL,
    checked_by  TEXT NOT NULL REFERENCES users(id),
    checked_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (inquiry_id, item)
);

CREATE TABLE payer_texts (
    payer  TEXT PRIMARY KEY CHECK (payer IN ('medicaid', 'medicare', 'commercial', 'employer', 'self_pay', 'not_sure')),
    body   TEXT NOT NULL
);

-- One row at most: the self-pay fee per IOP day or per week, and a typical program's length.
CREATE TABLE fee_schedule (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    amount_cents   BIGINT NOT NULL CHECK (amount_cents > 0),
    unit           TEXT NOT NULL CHECK (unit IN ('day', 'week')),
    days_per_week  INTEGER NOT NULL,
    weeks          INTEGER NOT NULL,
    note           TEXT NOT NULL DEFAULT ''
);

-- For each household size, yearly income brackets [from, under) and the percentage of the fee paid;
-- income_under_cents NULL is the open top bracket. The store checks coverage (no gaps or overlaps).
CREATE TABLE sliding_scale (
    household_size      INTEGER NOT NULL CHECK (household_size BETWEEN 1 AND 8),
    income_from_cents   BIGINT NOT NULL,
    income_under_cents  BIGINT,
    percent             INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    PRIMARY KEY (household_size, income_from_cents)
);

-- Check-in and per-program accountability settings for PostgreSQL. Keep in step with sqlite/0011_checkins.sql (only the types differ: dates are DATE here).

-- A short code for one meeting of a group, shown to the group, that clients type at the check-in kiosk.
CREATE TABLE meeting_codes (
    series_id        TEXT NOT NULL REFERENCES group_series(id),
    occurrence_date  DATE NOT NULL,
    code             TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (series_id, occurrence_date),
    UNIQUE (occurrence_date, code)
);

-- A client's arrival, at the kiosk or the front desk; the facilitator confirms it by taking attendance.
CREATE TABLE checkins (
    series_id        TEXT NOT NULL REFERENCES group_series(id),
    occurrence_date  DATE NOT NULL,
    client_id        TEXT NOT NULL REFERENCES clients(id),
    checked_in_at    TIMESTAMPTZ NOT NULL,
    via              TEXT NOT NULL CHECK (via IN ('kiosk', 'desk')),
    recorded_by      TEXT REFERENCES users(id),
    PRIMARY KEY (series_id, occurrence_date, client_id)
);

-- What each program counts as accountability: alerts after this many unexcused absences in a row or
-- days without attendance, and the minutes of service in a day that make it billable.
ALTER TABLE programs ADD COLUMN absence_alert_count INTEGER NOT NULL DEFAULT 2 CHECK (absence_alert_count BETWEEN 1 AND 10);
ALTER TABLE programs ADD COLUMN idle_alert_days INTEGER NOT NULL DEFAULT 7 CHECK (idle_alert_days BETWEEN 1 AND 60);
ALTER TABLE programs ADD COLUMN per_diem_minutes INTEGER NOT NULL DEFAULT 180 CHECK (per_diem_minutes BETWEEN 30 AND 720);

-- Attendance for PostgreSQL. Keep in step with sqlite/0007_attendance.sql (only the types differ).

-- One client at one meeting of a group: what happened and the minutes that count.
CREATE TABLE attendance (
    series_id           TEXT NOT NULL REFERENCES group_series(id),
    occurrence_date     DATE NOT NULL,
    client_id           TEXT NOT NULL REFERENCES clients(id),
    status              TEXT NOT NULL CHECK (status IN ('present', 'late', 'left_early', 'absent_excused', 'absent_unexcused', 'cancelled')),
    minutes             INTEGER NOT NULL CHECK (minutes >= 0),
    late_minutes        INTEGER NOT NULL DEFAULT 0 CHECK (late_minutes >= 0),
    left_early_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (left_early_minutes >= 0),
    telehealth          BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by         TEXT NOT NULL REFERENCES users(id),
    recorded_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (series_id, occurrence_date, client_id)
);
CREATE INDEX attendance_client ON attendance (client_id, occurrence_date);

-- A counselor's acknowledgement of an alert about a client (key names the alert, e.g. its week).
CREATE TABLE alert_acks (
    client_id  TEXT NOT NULL REFERENCES clients(id),
    kind       TEXT NOT NULL,
    alert_key  TEXT NOT NULL,
    note       TEXT NOT NULL,
    acked_by   TEXT NOT NULL REFERENCES users(id),
    acked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_id, kind, alert_key)
);

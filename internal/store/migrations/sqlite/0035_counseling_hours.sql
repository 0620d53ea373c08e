-- Individual counseling (issue 13): each clinician's weekly counseling hours per site, the most
-- clients they see individually in a week, and each program's required individual sessions a
-- week (0 means none). Programs made from now on start at 1; the programs a center already has
-- start at 0, so its weeks plan as before until the director sets sessions on the Program page
-- (otherwise every client would show as short until counselors record their hours). The
-- schedule builder plans sessions in these hours. Keep in step with postgres/0035_counseling_hours.sql (only the types differ).
CREATE TABLE counseling_hours (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    site_id      TEXT NOT NULL REFERENCES sites(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    from_minute  INTEGER NOT NULL CHECK (from_minute >= 0 AND from_minute < 1440),
    to_minute    INTEGER NOT NULL CHECK (to_minute > from_minute AND to_minute <= 1440),
    room         TEXT NOT NULL
);
CREATE INDEX counseling_hours_user ON counseling_hours (user_id);
CREATE INDEX counseling_hours_site ON counseling_hours (site_id, user_id);
CREATE TABLE counseling_caseloads (
    user_id         TEXT PRIMARY KEY REFERENCES users(id),
    weekly_clients  INTEGER NOT NULL CHECK (weekly_clients >= 0)
);
ALTER TABLE programs ADD COLUMN individual_sessions INTEGER NOT NULL DEFAULT 1 CHECK (individual_sessions >= 0);
UPDATE programs SET individual_sessions = 0;

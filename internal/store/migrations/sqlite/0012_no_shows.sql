-- Appointments the client did not come to, for SQLite. Keep in step with postgres/0012_no_shows.sql (only the types differ).
ALTER TABLE appointments ADD COLUMN no_show_at TIMESTAMP;
ALTER TABLE appointments ADD COLUMN no_show_by TEXT REFERENCES users(id);

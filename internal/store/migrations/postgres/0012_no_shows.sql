-- Appointments the client did not come to, for PostgreSQL. Keep in step with sqlite/0012_no_shows.sql (only the types differ).
ALTER TABLE appointments ADD COLUMN no_show_at TIMESTAMPTZ;
ALTER TABLE appointments ADD COLUMN no_show_by TEXT REFERENCES users(id);

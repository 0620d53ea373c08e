-- Vocational counseling as a kind of appointment with its own note format (VOC).
-- Keep in step with sqlite/0025_vocational.sql, which has to rebuild both tables to change a CHECK.
ALTER TABLE appointments DROP CONSTRAINT appointments_kind_check,
    ADD CONSTRAINT appointments_kind_check CHECK (kind IN ('individual', 'family', 'intake', 'medication', 'vocational'));
ALTER TABLE session_notes DROP CONSTRAINT session_notes_format_check,
    ADD CONSTRAINT session_notes_format_check CHECK (format IN ('DAP', 'BIRP', 'SOAP', 'VOC'));

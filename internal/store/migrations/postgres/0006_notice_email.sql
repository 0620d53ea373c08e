-- When a notice was handed to the mail server (NULL: not yet, or email is off).
ALTER TABLE notices ADD COLUMN emailed_at TIMESTAMPTZ;

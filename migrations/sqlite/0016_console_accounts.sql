-- Console accounts (issue 20): what the admin page shows and the "my
-- account" page changes.
--
-- last_sign_in_at is when the person last completed a console sign-in.
-- totp_enc is their TOTP secret (RFC 6238), encrypted with the data key
-- like their e-mail; totp_pending_enc a secret being enrolled, until the
-- person confirms it with a code. totp_last_step is the last 30-second
-- step whose code was accepted: a code works once.
-- calendar_hash is the SHA-256 of the secret in the person's calendar
-- subscription URL (/calendar/<secret>.ics); NULL when they have none.
ALTER TABLE people ADD COLUMN last_sign_in_at DATETIME;
ALTER TABLE people ADD COLUMN totp_enc TEXT;
ALTER TABLE people ADD COLUMN totp_pending_enc TEXT;
ALTER TABLE people ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN calendar_hash TEXT;
CREATE UNIQUE INDEX people_calendar_hash ON people (calendar_hash);

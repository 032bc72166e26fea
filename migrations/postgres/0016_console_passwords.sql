-- The console (issue 20): people sign in with an e-mail and a password.
-- password_hash is an argon2id hash in the PHC string form
-- ($argon2id$v=19$m=...,t=...,p=...$salt$hash), NULL until the person sets
-- one through a one-time link. session_version is in every console session
-- cookie; bumping it (a new password, sessions ended) ends them all at once.
ALTER TABLE people ADD COLUMN password_hash TEXT;
ALTER TABLE people ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1;

-- One-time set-password links (`candor person invite`): only the SHA-256
-- of the secret in the link is stored; a link works once, until expires_at.
CREATE TABLE password_tokens (
    hash       TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people (id),
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX password_tokens_person ON password_tokens (person_id);

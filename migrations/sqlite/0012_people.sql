-- People (issue 19, item 8: four eyes means two people). Every token now
-- belongs to a person, and the four-eyes rule compares people, so that an
-- admin who mints a legal token for themself is still the one who edited.
--
-- A person's e-mail is personal data like a customer's: email_enc holds it
-- encrypted with the data key (vault, AES-256-GCM) and email_hash the keyed
-- hash of the lower-cased address, unique, for lookups without decrypting.
-- Both are NULL for a person known by name only.
CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email_hash  TEXT UNIQUE,
    email_enc   TEXT,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'comms', 'legal', 'admin')),
    created_by  TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    disabled_at DATETIME,
    CHECK ((email_hash IS NULL) = (email_enc IS NULL))
);
CREATE INDEX people_name ON people (name);

-- Each existing token becomes its own person, named after the token, with
-- the token's role, no e-mail and the token's id as the person's id (a
-- UUID, so no two collide, and an operator can match them up). created_by
-- 'migration 0012' marks them as migrated: nobody vouched that two tokens
-- of the same name were one person, so they stay two.
INSERT INTO people (id, name, role, created_by, created_at)
SELECT id, name, role, 'migration 0012', created_at FROM tokens;

-- SQLite cannot add a NOT NULL column with a foreign key to a table that has
-- rows: the table is rebuilt. No table refers to tokens.
CREATE TABLE tokens_new (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'comms', 'legal', 'admin')),
    hash         TEXT NOT NULL UNIQUE,
    person_id    TEXT NOT NULL REFERENCES people (id),
    created_by   TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);
INSERT INTO tokens_new (id, name, role, hash, person_id, created_by, created_at, last_used_at, revoked_at)
SELECT id, name, role, hash, id, created_by, created_at, last_used_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_person ON tokens (person_id);

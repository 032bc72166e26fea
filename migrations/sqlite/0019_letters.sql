-- Issue 22, items 1 and 3: a reference on every notice, postal addresses,
-- printed letters.
--
-- Each customer delivery gets its reference when it is created (the
-- dispatch's INSERT ... SELECT draws it from SQLite's random(), a ChaCha20
-- generator seeded from the operating system); the unique index makes a
-- collision, which 73 bits make vanishingly rare, refuse the dispatch step,
-- which is then retried. Deliveries made before this migration have none.
ALTER TABLE deliveries ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX deliveries_reference ON deliveries (reference);

-- The structured postal address, sealed like the other personal fields:
-- address_enc holds the lines joined by LF; city and postal code are
-- personal too (with the lines they locate a household), and so is the
-- phone. Region and country stay in clear in their own columns.
ALTER TABLE customers ADD COLUMN address_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN city_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN postal_code_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phone_enc TEXT NOT NULL DEFAULT '';
-- has_address is what the letter batch selects on without decrypting.
ALTER TABLE customers ADD COLUMN has_address BOOLEAN NOT NULL DEFAULT FALSE;

-- A letter batch is the printed letters of one customer notice made at
-- once: generated, downloaded, mailed (a date), returned (some letters came
-- back). Its letters are its customers; letters_once holds the
-- exactly-once rule of e-mail (deliveries_once) for paper: a customer gets
-- one letter per notice, whatever batch creation is retried.
CREATE TABLE letter_batches (
    id             TEXT PRIMARY KEY,
    disclosure_id  TEXT NOT NULL REFERENCES disclosures (id),
    incident_id    TEXT NOT NULL,
    revision       INTEGER NOT NULL,
    state          TEXT NOT NULL,
    filter         TEXT NOT NULL DEFAULT '{}',
    total          INTEGER NOT NULL DEFAULT 0,
    returned       INTEGER NOT NULL DEFAULT 0,
    created_by     TEXT NOT NULL DEFAULT '',
    downloaded_at  DATETIME,
    mailed_on      TEXT,
    mailed_at      DATETIME,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE INDEX letter_batches_disclosure ON letter_batches (disclosure_id, created_at);
CREATE INDEX letter_batches_incident ON letter_batches (incident_id, created_at);

CREATE TABLE letters (
    id            TEXT PRIMARY KEY,
    batch_id      TEXT NOT NULL REFERENCES letter_batches (id),
    disclosure_id TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    reference     TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    returned_at   DATETIME,
    created_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX letters_once ON letters (disclosure_id, customer_id);
CREATE UNIQUE INDEX letters_reference ON letters (reference);
CREATE INDEX letters_batch ON letters (batch_id, id);
CREATE INDEX letters_customer ON letters (customer_id);

-- Issue 22, items 1 and 3: a reference on every notice, postal addresses,
-- printed letters. The same schema as SQLite's 0019_letters.sql.
--
-- candor_reference() draws a notice reference (candor.NewReference's form:
-- 15 symbols of 23456789ABCDEFGHJKMNPQRSTVWXYZ in groups of five) from
-- gen_random_uuid(), PostgreSQL's cryptographic generator: two UUIDs (244
-- random bits) hashed into 32 bytes, each symbol from 16 of them, so that
-- the remainder modulo 30 is uniform to within 2^-12.
CREATE OR REPLACE FUNCTION candor_reference() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTVWXYZ',
           1 + ((get_byte(h, 2 * i) * 256 + get_byte(h, 2 * i + 1)) % 30), 1)
         || CASE WHEN i IN (4, 9) THEN '-' ELSE '' END, '' ORDER BY i)
  FROM (SELECT sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())) AS h) s,
       generate_series(0, 14) AS i
$$;

ALTER TABLE deliveries ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX deliveries_reference ON deliveries (reference);

ALTER TABLE customers ADD COLUMN address_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN city_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN postal_code_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phone_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN has_address BOOLEAN NOT NULL DEFAULT FALSE;

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
    downloaded_at  TIMESTAMPTZ,
    mailed_on      TEXT,
    mailed_at      TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
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
    returned_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX letters_once ON letters (disclosure_id, customer_id);
CREATE UNIQUE INDEX letters_reference ON letters (reference);
CREATE INDEX letters_batch ON letters (batch_id, id);
CREATE INDEX letters_customer ON letters (customer_id);

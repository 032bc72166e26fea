-- Affected customers. Name, email and postal address are stored encrypted
-- (AES-256-GCM, see vault/); email_hash is a keyed hash (HMAC) of the
-- normalised email for dedupe and exact search. dedupe_key is what a
-- re-import upserts on: the external_id when given, else the email hash,
-- else a keyed hash of name and address (postal customers without an id).
-- content_hash is a keyed hash of every imported field, so a re-import can
-- tell "unchanged" from "updated" without decrypting anything.
CREATE TABLE customers (
    id              TEXT PRIMARY KEY,
    incident_id     TEXT NOT NULL REFERENCES incidents (id),
    external_id     TEXT NOT NULL DEFAULT '',
    dedupe_key      TEXT NOT NULL,
    email_hash      TEXT NOT NULL DEFAULT '',
    content_hash    TEXT NOT NULL,
    name_enc        TEXT NOT NULL DEFAULT '',
    email_enc       TEXT NOT NULL DEFAULT '',
    postal_enc      TEXT NOT NULL DEFAULT '',
    country         TEXT NOT NULL DEFAULT '',
    region          TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL DEFAULT '',
    data_categories TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    erased_at       DATETIME
);
CREATE UNIQUE INDEX customers_dedupe ON customers (incident_id, dedupe_key);
CREATE INDEX customers_incident ON customers (incident_id, id);
CREATE INDEX customers_email ON customers (incident_id, email_hash);
-- No index on country or status: lists filtered by them scan the incident's
-- rows in id order until a page is full, and dispatch and deadline counts
-- read every row anyway; two fewer B-trees make a million-row import about
-- a third faster.

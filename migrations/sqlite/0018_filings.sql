-- Issue 21: filings made outside Candor (a regulator's portal, e-mail,
-- post, fax), each meeting the obligation (rule id) it was made for. The
-- receipt's bytes are kept in the database beside the record, sealed with
-- the data key (a receipt may name the person who filed), so a backup of the
-- database is the whole evidence; receipt_sha256 is the SHA-256 of the
-- plain bytes, shown in the evidence bundle's manifest.
CREATE TABLE filings (
    id                   TEXT PRIMARY KEY,
    incident_id          TEXT NOT NULL REFERENCES incidents (id),
    obligation_id        TEXT NOT NULL,
    jurisdiction         TEXT NOT NULL,
    filed_at             DATETIME NOT NULL,
    channel              TEXT NOT NULL,
    reference            TEXT NOT NULL DEFAULT '',
    pack_id              TEXT NOT NULL DEFAULT '',
    pack_version         TEXT NOT NULL DEFAULT '',
    follows_id           TEXT REFERENCES filings (id),
    receipt_name         TEXT NOT NULL,
    receipt_content_type TEXT NOT NULL,
    receipt_size         INTEGER NOT NULL,
    receipt_sha256       TEXT NOT NULL,
    recorded_by          TEXT NOT NULL,
    created_at           DATETIME NOT NULL
);
CREATE INDEX filings_incident ON filings (incident_id, obligation_id, filed_at);

CREATE TABLE filing_receipts (
    filing_id TEXT PRIMARY KEY REFERENCES filings (id),
    sealed    TEXT NOT NULL
);

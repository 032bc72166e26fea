-- A send delivers one approved revision of a disclosure (a customer notice
-- or a regulator report) to its audience. It pins the revision: later edits
-- never change what it sends.
CREATE TABLE sends (
    id            TEXT PRIMARY KEY,
    disclosure_id TEXT NOT NULL,
    incident_id   TEXT NOT NULL REFERENCES incidents (id),
    kind          TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    state         TEXT NOT NULL,
    send_at       DATETIME NOT NULL,
    filter        TEXT NOT NULL DEFAULT '{}',
    total         INTEGER NOT NULL DEFAULT 0,
    dispatched_at DATETIME,
    created_by    TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    started_at    DATETIME,
    finished_at   DATETIME,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX sends_disclosure ON sends (disclosure_id);
CREATE INDEX sends_incident ON sends (incident_id);

-- One delivery per recipient per disclosure, whatever sends overlap:
-- recipient_key is the customer id, or "regulator:<jurisdiction>" for a
-- regulator report. Status moves pending -> sending -> sent under a
-- condition, so a repeated task is a no-op; failed, bounced and cancelled
-- are final. message_id is derived from the delivery id and never changes.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    send_id         TEXT NOT NULL REFERENCES sends (id),
    disclosure_id   TEXT NOT NULL,
    incident_id     TEXT NOT NULL,
    recipient_key   TEXT NOT NULL,
    customer_id     TEXT,
    locale          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL,
    response        TEXT NOT NULL DEFAULT '',
    next_attempt_at DATETIME,
    sent_at         DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX deliveries_once ON deliveries (disclosure_id, recipient_key);
CREATE INDEX deliveries_send_status ON deliveries (send_id, status);
CREATE INDEX deliveries_send_order ON deliveries (send_id, id);
CREATE INDEX deliveries_customer ON deliveries (customer_id);
CREATE UNIQUE INDEX deliveries_message ON deliveries (message_id);

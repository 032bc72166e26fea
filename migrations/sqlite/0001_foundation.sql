-- Tokens: only the SHA-256 of a token's secret is stored.
CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'comms', 'legal', 'admin')),
    hash         TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);

-- The audit chain's head: one row, locked by every append so that two
-- concurrent transactions can never both extend the same link.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          DATETIME NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    incident_id TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_incident ON audit_log (incident_id, seq);

CREATE TABLE incidents (
    id                        TEXT PRIMARY KEY,
    title                     TEXT NOT NULL,
    summary                   TEXT NOT NULL,
    discovered_at             DATETIME NOT NULL,
    occurred_from             DATETIME,
    occurred_to               DATETIME,
    determined_at             DATETIME,
    materiality_determined_at DATETIME,
    notifiable_assessed_at    DATETIME,
    severity                  TEXT NOT NULL,
    cause                     TEXT NOT NULL DEFAULT '',
    malicious                 BOOLEAN,
    data_categories           TEXT NOT NULL,
    entity                    TEXT,
    owner_email               TEXT NOT NULL DEFAULT '',
    legal_contacts            TEXT NOT NULL,
    created_at                DATETIME NOT NULL,
    updated_at                DATETIME NOT NULL
);

CREATE TABLE incident_events (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    occurred_at DATETIME,
    occurred_on TEXT NOT NULL DEFAULT '',
    sort_at     DATETIME NOT NULL,
    description TEXT NOT NULL,
    public      BOOLEAN NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX incident_events_order ON incident_events (incident_id, sort_at, id);

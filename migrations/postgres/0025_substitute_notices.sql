-- Issue 22, item 4: substitute notices (the same schema as SQLite's
-- 0024_substitute_notices.sql). Each records a publication that
-- told the people of some jurisdictions what a personal notice would have
-- (the statement, the lookup page, a press or website notice), with the
-- day it went up (published_on, in the incident's zone, and published_at,
-- that day's first instant in UTC, which reach and the duties compare).
-- jurisdictions is a JSON array of codes (JP, US-CA, EU). A statement or
-- lookup_page notice names the publication it stands on. No personal data.
CREATE TABLE substitute_notices (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    kind           TEXT NOT NULL,
    jurisdictions  TEXT NOT NULL,
    published_on   TEXT NOT NULL,
    published_at   TIMESTAMPTZ NOT NULL,
    until_on       TEXT NOT NULL DEFAULT '',
    url            TEXT NOT NULL DEFAULT '',
    outlet         TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL,
    publication_id TEXT REFERENCES publications (id),
    recorded_by    TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX substitute_notices_incident ON substitute_notices (incident_id, published_at);

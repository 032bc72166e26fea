-- Issue 21, items 1 and 2: a scope that grows, and decisions recorded when
-- made.
--
-- A timeline event may widen the incident's scope (jurisdictions and data
-- categories known to be affected from its time on): the event keeps what
-- was written (scope, JSON), and incident_scope one row per code, with the
-- instant it entered the scope. A customer import that brings a country not
-- yet in scope adds a row of its own (source 'import', event_id empty).
-- The earliest row of a code is when it entered the scope.
ALTER TABLE incident_events ADD COLUMN scope TEXT;

CREATE TABLE incident_scope (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    kind        TEXT NOT NULL, -- jurisdiction | data_category
    code        TEXT NOT NULL,
    entered_at  DATETIME NOT NULL,
    source      TEXT NOT NULL, -- event | import
    event_id    TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE INDEX incident_scope_code ON incident_scope (incident_id, kind, code, entered_at);

-- A decision on one obligation (obligation_id: the rule id, stable within
-- the incident). proposed -> approved by a legal person who is not the
-- proposer (people, not tokens); a newer decision supersedes older ones
-- (state superseded, superseded_by), so the history stays.
CREATE TABLE obligation_decisions (
    id                 TEXT PRIMARY KEY,
    incident_id        TEXT NOT NULL REFERENCES incidents (id),
    obligation_id      TEXT NOT NULL,
    decision           TEXT NOT NULL,
    rationale          TEXT NOT NULL,
    delay_reasons      TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL,
    proposed_by        TEXT NOT NULL,
    proposed_by_person TEXT NOT NULL DEFAULT '',
    proposed_at        DATETIME NOT NULL,
    approved_by        TEXT NOT NULL DEFAULT '',
    approved_by_person TEXT NOT NULL DEFAULT '',
    approved_at        DATETIME,
    superseded_by      TEXT NOT NULL DEFAULT '',
    superseded_at      DATETIME
);
CREATE INDEX obligation_decisions_obligation ON obligation_decisions (incident_id, obligation_id, proposed_at);

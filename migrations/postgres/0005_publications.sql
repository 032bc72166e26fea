-- A statement slug belongs to the incident that first used it, for good:
-- a URL that once named one incident's statement never names another's.
CREATE TABLE statement_slugs (
    slug        TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    created_at  TIMESTAMPTZ NOT NULL
);

-- A publication puts one approved revision of a public statement at
-- /statements/{slug} from publish_at on; publications sharing a slug are
-- the versions of that page. content is the statement as rendered when it
-- was scheduled (every language, and the timeline), so that what is public
-- is exactly what legal scheduled. marked_at is when the worker recorded
-- the publication; the public pages do not wait for it.
CREATE TABLE publications (
    id            TEXT PRIMARY KEY,
    disclosure_id TEXT NOT NULL REFERENCES disclosures (id),
    incident_id   TEXT NOT NULL REFERENCES incidents (id),
    slug          TEXT NOT NULL REFERENCES statement_slugs (slug),
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    state         TEXT NOT NULL CHECK (state IN ('scheduled', 'published', 'cancelled', 'retracted')),
    publish_at    TIMESTAMPTZ NOT NULL,
    marked_at     TIMESTAMPTZ,
    cancelled_at  TIMESTAMPTZ,
    retracted_at  TIMESTAMPTZ,
    content       TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (disclosure_id, revision) REFERENCES disclosure_revisions (disclosure_id, number)
);
CREATE INDEX publications_slug ON publications (slug, publish_at, id);
CREATE INDEX publications_due ON publications (state, publish_at);
CREATE INDEX publications_disclosure ON publications (disclosure_id);
-- One revision of a disclosure is published at most once per slug.
CREATE UNIQUE INDEX publications_once ON publications (slug, disclosure_id, revision) WHERE state <> 'cancelled';

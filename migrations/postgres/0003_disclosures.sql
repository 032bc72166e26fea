-- A disclosure is one message in several languages under review. Its
-- content (title, default_locale, variants, regulator) is that of revision
-- `revision`, kept in disclosure_revisions; title, default_locale and
-- regulator are repeated here for lists. last_editor and submitted_by are
-- token ids, for the four-eyes rule: neither may approve.
CREATE TABLE disclosures (
    id                TEXT PRIMARY KEY,
    incident_id       TEXT NOT NULL REFERENCES incidents (id),
    kind              TEXT NOT NULL CHECK (kind IN ('customer_notice', 'regulator_report', 'public_statement')),
    title             TEXT NOT NULL,
    default_locale    TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved')),
    revision          INTEGER NOT NULL CHECK (revision >= 1),
    approved_revision INTEGER NOT NULL DEFAULT 0,
    last_editor       TEXT NOT NULL,
    submitted_by      TEXT NOT NULL DEFAULT '',
    approved_by       TEXT NOT NULL DEFAULT '',
    approved_at       TIMESTAMPTZ,
    reject_reason     TEXT NOT NULL DEFAULT '',
    regulator         TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX disclosures_incident ON disclosures (incident_id, id);

-- Revisions are immutable: every edit inserts the next number, and the
-- primary key makes two concurrent edits unable to take the same one.
CREATE TABLE disclosure_revisions (
    disclosure_id   TEXT NOT NULL REFERENCES disclosures (id),
    number          INTEGER NOT NULL CHECK (number >= 1),
    author_token_id TEXT NOT NULL,
    author_name     TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    content         TEXT NOT NULL,
    PRIMARY KEY (disclosure_id, number)
);
CREATE FUNCTION disclosure_revisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'disclosure revisions are immutable';
END;
$$;
CREATE TRIGGER disclosure_revisions_immutable BEFORE UPDATE ON disclosure_revisions
    FOR EACH ROW EXECUTE FUNCTION disclosure_revisions_immutable();

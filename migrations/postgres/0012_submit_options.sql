-- What a submit said along with a revision (issue 18: each law's required
-- content, checked): the waivers of checklist elements and the languages
-- accepted untranslated, as JSON {"waivers": [...], "accept_untranslated": [...]}.
-- NULL until the revision is submitted with any. A revision's content stays
-- immutable; only this column may be set afterwards (by its submit).
ALTER TABLE disclosure_revisions ADD COLUMN submit_options TEXT;
CREATE OR REPLACE FUNCTION disclosure_revisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.disclosure_id, NEW.number, NEW.author_token_id, NEW.author_name, NEW.created_at, NEW.content)
        IS DISTINCT FROM (OLD.disclosure_id, OLD.number, OLD.author_token_id, OLD.author_name, OLD.created_at, OLD.content) THEN
        RAISE EXCEPTION 'disclosure revisions are immutable';
    END IF;
    RETURN NEW;
END;
$$;

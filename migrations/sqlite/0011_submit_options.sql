-- What a submit said along with a revision (issue 18: each law's required
-- content, checked): the waivers of checklist elements and the languages
-- accepted untranslated, as JSON {"waivers": [...], "accept_untranslated": [...]}.
-- NULL until the revision is submitted with any. A revision's content stays
-- immutable; only this column may be set afterwards (by its submit).
ALTER TABLE disclosure_revisions ADD COLUMN submit_options TEXT;
DROP TRIGGER disclosure_revisions_immutable;
CREATE TRIGGER disclosure_revisions_immutable BEFORE UPDATE ON disclosure_revisions
WHEN NEW.disclosure_id IS NOT OLD.disclosure_id OR NEW.number IS NOT OLD.number
    OR NEW.author_token_id IS NOT OLD.author_token_id OR NEW.author_name IS NOT OLD.author_name
    OR NEW.created_at IS NOT OLD.created_at OR NEW.content IS NOT OLD.content
BEGIN
    SELECT RAISE(ABORT, 'disclosure revisions are immutable');
END;

-- The facts in several languages and in the incident's own time zone
-- (issue: what goes out is right). Existing incidents keep '' as their zone,
-- which reads as UTC, as they were shown before, and English as their language.
ALTER TABLE incidents ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE incidents ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE incidents ADD COLUMN contained_at TIMESTAMPTZ;
ALTER TABLE incidents ADD COLUMN law_enforcement_delay BOOLEAN;
ALTER TABLE incident_events ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';

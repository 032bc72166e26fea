-- Two assessments the breach laws turn on (issue 21: the catalogue,
-- corrected): whether the data were acquired by an unauthorized person, not
-- only accessed (most US states, the Philippines), and whether the breach
-- is a high risk to individuals (each law's harm test). NULL: not assessed,
-- so the duties that depend on them are listed as conditional.
ALTER TABLE incidents ADD COLUMN acquired BOOLEAN;
ALTER TABLE incidents ADD COLUMN high_risk BOOLEAN;

-- Where each letter lies in its part's PDF (issue 22): the page it begins
-- on and how many it takes, as found in the last print of its part, so
-- that the manifest tells a print house where to cut. NULL until the part
-- is printed.
ALTER TABLE letters ADD COLUMN first_page INTEGER;
ALTER TABLE letters ADD COLUMN pages INTEGER;

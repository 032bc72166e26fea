-- How many letters one PDF part of a batch holds, fixed when the batch is
-- made: a letter's first_page and pages are places in its part's PDF, and
-- a later change of the product's part size must not renumber the parts
-- of a batch already printed. Batches made so far were cut in parts of 250.
ALTER TABLE letter_batches ADD COLUMN part_size INTEGER NOT NULL DEFAULT 250;

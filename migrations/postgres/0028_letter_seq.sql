-- A letter's place among its batch's letters on the same paper (A4, or US
-- Letter for US and CA), from 0 in id order: a part of the batch is a
-- range of it. Reading a part by OFFSET walked every letter before it, a
-- table row each (the paper is the country's): quadratic in the batch, a
-- fifth of a core at 60,000 letters into a batch of 100,000.
ALTER TABLE letters ADD COLUMN seq INTEGER;
UPDATE letters SET seq = r.n FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY batch_id, country IN ('US', 'CA') ORDER BY id) - 1 AS n FROM letters
) AS r WHERE letters.id = r.id;
CREATE INDEX letters_batch_seq ON letters (batch_id, seq);

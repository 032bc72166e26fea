-- A send writes every customer's row twice (queued at dispatch, then sent)
-- and inserts a delivery per customer; on PostgreSQL both cost more than
-- they need to.
--
-- Room in each customer page for the next versions of its rows, so that a
-- status change is a HOT update: imported customers fill their pages, so
-- each status change wrote a new row version elsewhere and an entry in
-- each of the four indexes (the dispatcher's 'queued' step cost 33 us a
-- customer; with room, 9). Applies to pages written from now on (an
-- import); existing pages keep theirs until VACUUM FULL rewrites them.
ALTER TABLE customers SET (fillfactor = 50);

-- Nothing deletes a send, and the dispatcher creates a send's deliveries
-- from the send's row, read in the same transaction: the foreign key from
-- deliveries to sends guarded nothing, and its trigger ran a lookup of the
-- send for every delivery inserted (39 ms of a 5,000-row dispatch step of
-- 127 ms).
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_send_id_fkey;

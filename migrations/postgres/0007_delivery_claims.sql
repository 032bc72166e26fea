-- A chunk task claims its deliveries by send, status and id range
-- (store.DB.Claim). On (send_id, status) alone the planner read every
-- pending delivery of the send for each chunk: 14 ms a claim of 200 at
-- 20,000 recipients on PostgreSQL, and quadratic over a send. With the id
-- in the index, a claim reads its own range.
DROP INDEX deliveries_send_status;
CREATE INDEX deliveries_send_status ON deliveries (send_id, status, id);

-- A customer's status changes twice per send (queued, then sent) and no
-- index covers it: with room left in each page, PostgreSQL updates the
-- row in place (a HOT update) instead of adding an entry to each of the
-- table's four indexes. Applies to pages written from now on.
ALTER TABLE customers SET (fillfactor = 75);

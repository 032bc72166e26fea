-- A send counts its deliveries by status itself (store.DB.Claim, Record,
-- ChangeSendState, MarkBounced and the dispatcher keep the counts in the
-- transaction that moves the deliveries), so nothing needs an index on a
-- delivery's status any more:
--   * progress (GET /sends/{id}) and completion are one primary-key read;
--   * a delivery's claim and its outcome rewrite the row only, not an
--     entry of (send_id, status, id) as well. On PostgreSQL they can then
--     be HOT updates (no new entry in any index), given room in the page.
-- progressed_at is when the counts last moved: a running send with open
-- deliveries that has not moved for a while has lost its tasks. It starts
-- at the migration, not at the send's last update (often its dispatch),
-- which would make every long send look stuck at once and have its
-- deliveries in flight reclaimed. Stop every worker before migrating: an
-- older worker moves deliveries without moving the counts.
ALTER TABLE sends ADD COLUMN n_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sends ADD COLUMN n_sending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sends ADD COLUMN n_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sends ADD COLUMN n_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sends ADD COLUMN n_bounced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sends ADD COLUMN n_cancelled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sends ADD COLUMN progressed_at DATETIME;
UPDATE sends SET
    n_pending   = (SELECT count(*) FROM deliveries d WHERE d.send_id = sends.id AND d.status = 'pending'),
    n_sending   = (SELECT count(*) FROM deliveries d WHERE d.send_id = sends.id AND d.status = 'sending'),
    n_sent      = (SELECT count(*) FROM deliveries d WHERE d.send_id = sends.id AND d.status = 'sent'),
    n_failed    = (SELECT count(*) FROM deliveries d WHERE d.send_id = sends.id AND d.status = 'failed'),
    n_bounced   = (SELECT count(*) FROM deliveries d WHERE d.send_id = sends.id AND d.status = 'bounced'),
    n_cancelled = (SELECT count(*) FROM deliveries d WHERE d.send_id = sends.id AND d.status = 'cancelled'),
    progressed_at = CURRENT_TIMESTAMP;
DROP INDEX deliveries_send_status;

-- A bounce names its delivery by Message-ID, which is made from the
-- delivery's id (store.DB.MarkBounced reads the id back out of it), so the
-- unique index on message_id was a sixth index for every insert to keep.
DROP INDEX deliveries_message;

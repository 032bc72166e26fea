-- Issue 19: a worker killed mid-send leaves its claimed deliveries in
-- "sending"; the retry claims them again and sends them again (same
-- Message-ID), and those the relay had accepted before the crash arrive
-- twice. Such a delivery is now flagged when it is claimed again
-- (store.DB.Claim), so legal knows who may have two copies, and a send
-- counts its flagged deliveries with its other counts (send_counts.go).
-- The partial index holds only flagged rows (a few hundred per crash), so
-- the customers export finds them per incident without reading every
-- delivery, and no claim or outcome, which never change the flag, writes it.
ALTER TABLE deliveries ADD COLUMN possible_duplicate BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sends ADD COLUMN n_possible_duplicates INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deliveries_possible_duplicate ON deliveries (incident_id, customer_id) WHERE possible_duplicate;

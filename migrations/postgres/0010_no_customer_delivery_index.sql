-- deliveries_customer (customer_id) was one of the indexes every delivery
-- inserted had to update. Its one reader, the obligation evidence's join
-- of customers to their notice deliveries, now goes through deliveries_once
-- (disclosure_id, recipient_key) instead: a customer's recipient_key is
-- their id, and the evidence knows its notices' disclosures
-- (store/obligation.go noticeJoin).
DROP INDEX IF EXISTS deliveries_customer;

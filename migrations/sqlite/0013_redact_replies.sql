-- Issue 19: relays echo the recipient's address in their replies ("550
-- 5.1.1 <rita@example.com>: Recipient address rejected", "250 ... queued
-- for <rita@example.com>"), and deliveries.response and last_error kept
-- them in clear, next to sealed customer data, and after an erasure.
-- Replies are now stored redacted (internal/redact); this scrubs the rows
-- written before, with the same rule (candor_redact_addresses is that Go
-- function, registered on every connection by store/db.go), and clears
-- what relays said about customers already erased, as erasure now does.
-- It reads every delivery once.
UPDATE deliveries SET response = candor_redact_addresses(response), last_error = candor_redact_addresses(last_error)
WHERE instr(response, '@') > 0 OR instr(last_error, '@') > 0;
UPDATE deliveries SET response = '', last_error = ''
WHERE (response <> '' OR last_error <> '')
  AND customer_id IN (SELECT id FROM customers WHERE erased_at IS NOT NULL);

-- Issue 19: relays echo the recipient's address in their replies ("550
-- 5.1.1 <rita@example.com>: Recipient address rejected", "250 ... queued
-- for <rita@example.com>"), and deliveries.response and last_error kept
-- them in clear, next to sealed customer data, and after an erasure.
-- Replies are now stored redacted (internal/redact); this scrubs the rows
-- written before, with the same expression (redact.Pattern; a test checks
-- the two agree), and clears what relays said about customers already
-- erased, as erasure now does. It reads every delivery once and rewrites
-- only the rows it changes.
UPDATE deliveries SET
    response = regexp_replace(response, $re$<?(?:"[^"\r\n]*"|[^\s<>()\[\]{},;:"@]+)@(?:\[[^\]\s]*\]|[^\s<>()\[\]{},;:"@]*)>?$re$, '<redacted>', 'g'),
    last_error = regexp_replace(last_error, $re$<?(?:"[^"\r\n]*"|[^\s<>()\[\]{},;:"@]+)@(?:\[[^\]\s]*\]|[^\s<>()\[\]{},;:"@]*)>?$re$, '<redacted>', 'g')
WHERE strpos(response, '@') > 0 OR strpos(last_error, '@') > 0;
UPDATE deliveries SET response = '', last_error = ''
WHERE (response <> '' OR last_error <> '')
  AND customer_id IN (SELECT id FROM customers WHERE erased_at IS NOT NULL);

-- Issue 20, measured: an incident's customers counted by channel, country,
-- region and locale, kept by triggers in the same transaction as every
-- write to customers (import, create, update, erasure, fixtures), so that
-- the incident room, the draft preview's .Affected and the checklists read
-- a few rows instead of counting 100,000 customers that a send is
-- rewriting. Exact at every commit; never a cache. Erasure keeps the row
-- (and its place), so it keeps its count.
CREATE TABLE customer_counts (
    incident_id TEXT NOT NULL,
    channel     TEXT NOT NULL,
    country     TEXT NOT NULL,
    region      TEXT NOT NULL,
    locale      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (incident_id, channel, country, region, locale)
);
INSERT INTO customer_counts (incident_id, channel, country, region, locale, n)
SELECT incident_id, channel, country, region, locale, COUNT(*) FROM customers
 GROUP BY incident_id, channel, country, region, locale;

CREATE TRIGGER customer_counts_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO customer_counts (incident_id, channel, country, region, locale, n)
    VALUES (NEW.incident_id, NEW.channel, NEW.country, NEW.region, NEW.locale, 1)
    ON CONFLICT (incident_id, channel, country, region, locale) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER customer_counts_delete AFTER DELETE ON customers
BEGIN
    UPDATE customer_counts SET n = n - 1
     WHERE incident_id = OLD.incident_id AND channel = OLD.channel AND country = OLD.country
       AND region = OLD.region AND locale = OLD.locale;
    DELETE FROM customer_counts
     WHERE incident_id = OLD.incident_id AND channel = OLD.channel AND country = OLD.country
       AND region = OLD.region AND locale = OLD.locale AND n = 0;
END;

-- A send's status updates name none of these columns: the trigger does not
-- fire for them.
CREATE TRIGGER customer_counts_update AFTER UPDATE OF incident_id, channel, country, region, locale ON customers
WHEN NEW.incident_id IS NOT OLD.incident_id OR NEW.channel IS NOT OLD.channel OR NEW.country IS NOT OLD.country
    OR NEW.region IS NOT OLD.region OR NEW.locale IS NOT OLD.locale
BEGIN
    UPDATE customer_counts SET n = n - 1
     WHERE incident_id = OLD.incident_id AND channel = OLD.channel AND country = OLD.country
       AND region = OLD.region AND locale = OLD.locale;
    DELETE FROM customer_counts
     WHERE incident_id = OLD.incident_id AND channel = OLD.channel AND country = OLD.country
       AND region = OLD.region AND locale = OLD.locale AND n = 0;
    INSERT INTO customer_counts (incident_id, channel, country, region, locale, n)
    VALUES (NEW.incident_id, NEW.channel, NEW.country, NEW.region, NEW.locale, 1)
    ON CONFLICT (incident_id, channel, country, region, locale) DO UPDATE SET n = n + 1;
END;

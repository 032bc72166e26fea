-- Issue 20, measured: an incident's customers counted by channel, country,
-- region and locale, kept by triggers in the same transaction as every
-- write to customers (import, create, update, erasure, fixtures), so that
-- the incident room, the draft preview's .Affected and the checklists read
-- a few rows instead of counting 100,000 customers that a send is
-- rewriting. Exact at every commit; never a cache. Erasure keeps the row
-- (and its place), so it keeps its count.
--
-- Inserts and deletes are counted once per statement from its transition
-- table (an import batch is one INSERT of 5,000 rows: one upsert per place,
-- not 5,000 updates of the same counter row). The groups are upserted in
-- key order, so two imports into one incident take the counter rows' locks
-- in the same order; the wait lasts until the other batch commits.
-- No write to customers may land between the backfill and the triggers.
LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE customer_counts (
    incident_id TEXT NOT NULL,
    channel     TEXT NOT NULL,
    country     TEXT NOT NULL,
    region      TEXT NOT NULL,
    locale      TEXT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (incident_id, channel, country, region, locale)
);
INSERT INTO customer_counts (incident_id, channel, country, region, locale, n)
SELECT incident_id, channel, country, region, locale, COUNT(*) FROM customers
 GROUP BY incident_id, channel, country, region, locale;

CREATE FUNCTION customer_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_counts (incident_id, channel, country, region, locale, n)
    SELECT incident_id, channel, country, region, locale, COUNT(*) FROM customer_counts_new
     GROUP BY incident_id, channel, country, region, locale
     ORDER BY incident_id, channel, country, region, locale
    ON CONFLICT (incident_id, channel, country, region, locale) DO UPDATE SET n = customer_counts.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER customer_counts_insert AFTER INSERT ON customers
    REFERENCING NEW TABLE AS customer_counts_new FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_insert();

CREATE FUNCTION customer_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customer_counts k SET n = k.n - o.n
      FROM (SELECT incident_id, channel, country, region, locale, COUNT(*) AS n FROM customer_counts_old
             GROUP BY incident_id, channel, country, region, locale) o
     WHERE k.incident_id = o.incident_id AND k.channel = o.channel AND k.country = o.country
       AND k.region = o.region AND k.locale = o.locale;
    DELETE FROM customer_counts WHERE n = 0 AND incident_id IN (SELECT DISTINCT incident_id FROM customer_counts_old);
    RETURN NULL;
END;
$$;
CREATE TRIGGER customer_counts_delete AFTER DELETE ON customers
    REFERENCING OLD TABLE AS customer_counts_old FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_delete();

-- A customer whose place or channel changed (an edit, a re-import) moves
-- from one count to another. A send's status updates name none of these
-- columns: the trigger does not fire for them.
CREATE FUNCTION customer_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customer_counts SET n = n - 1
     WHERE incident_id = OLD.incident_id AND channel = OLD.channel AND country = OLD.country
       AND region = OLD.region AND locale = OLD.locale;
    DELETE FROM customer_counts
     WHERE incident_id = OLD.incident_id AND channel = OLD.channel AND country = OLD.country
       AND region = OLD.region AND locale = OLD.locale AND n = 0;
    INSERT INTO customer_counts (incident_id, channel, country, region, locale, n)
    VALUES (NEW.incident_id, NEW.channel, NEW.country, NEW.region, NEW.locale, 1)
    ON CONFLICT (incident_id, channel, country, region, locale) DO UPDATE SET n = customer_counts.n + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER customer_counts_update AFTER UPDATE OF incident_id, channel, country, region, locale ON customers
    FOR EACH ROW
    WHEN ((NEW.incident_id, NEW.channel, NEW.country, NEW.region, NEW.locale)
          IS DISTINCT FROM (OLD.incident_id, OLD.channel, OLD.country, OLD.region, OLD.locale))
    EXECUTE FUNCTION customer_counts_update();

-- Issue 22, item 5: a disclosure kind faq (questions and answers for the
-- public and the call centre).
--
-- SQLite cannot alter a CHECK constraint, and rebuilding disclosures would
-- need foreign keys off, which cannot change inside the migration's
-- transaction. SQLite's documented procedure for loosening a CHECK
-- (https://www.sqlite.org/lang_altertable.html, "making other kinds of
-- table schema changes") edits the table's stored definition instead; no
-- existing row can violate the looser constraint. The marker line below
-- makes the migration runner bump the schema version in the same
-- transaction, so that every connection re-reads the definition.
-- candor:schema-edited
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (kind IN (''customer_notice'', ''regulator_report'', ''public_statement''))',
                          'CHECK (kind IN (''customer_notice'', ''regulator_report'', ''public_statement'', ''faq''))')
 WHERE type = 'table' AND name = 'disclosures';
PRAGMA writable_schema = OFF;

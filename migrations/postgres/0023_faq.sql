-- Issue 22, item 5: a disclosure kind faq (questions and answers for the
-- public and the call centre). The same schema as SQLite's 0022_faq.sql.
ALTER TABLE disclosures DROP CONSTRAINT disclosures_kind_check;
ALTER TABLE disclosures ADD CONSTRAINT disclosures_kind_check
    CHECK (kind IN ('customer_notice', 'regulator_report', 'public_statement', 'faq'));

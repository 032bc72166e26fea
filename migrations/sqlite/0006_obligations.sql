-- Deadline reminders (jobs/reminder.go): one row per obligation, mark and
-- recipient. The task inserts the row (the claim) before it sends and sets
-- sent_at after, so a repeated or concurrent run finds the row and never
-- sends twice. A failed send deletes its claim, to be tried again next
-- period; a claim left without sent_at by a worker that died mid-send may be
-- taken again once it is old (claimed_at). recipient is the SHA-256 of the
-- lower-cased address (candor.RecipientKey): no addresses are kept here.
-- obligation_key is the rule id, which is stable across recomputations.
--
-- Obligation evidence needs no new index: it reads customers through
-- customers_country and deliveries through deliveries_customer and
-- deliveries_send_status (see store/obligation.go).
CREATE TABLE obligation_reminders (
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    obligation_key TEXT NOT NULL,
    mark           INTEGER NOT NULL CHECK (mark IN (50, 80, 100)),
    recipient      TEXT NOT NULL,
    due_at         DATETIME NOT NULL,
    claimed_at     DATETIME NOT NULL,
    sent_at        DATETIME,
    PRIMARY KEY (incident_id, obligation_key, mark, recipient)
);

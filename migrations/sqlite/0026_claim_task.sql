-- The task that claimed a delivery now sending (its Asynq task id): a
-- retried task takes back only what it claimed itself, never what a live
-- task of a resumed send holds (see store/delivery_claim.go).
ALTER TABLE deliveries ADD COLUMN claim_task TEXT;

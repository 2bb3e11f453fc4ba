ALTER TABLE complaint_events DROP COLUMN merchant_id;

-- The merchant on every timeline event, as on complaints, ratings, flags,
-- actions and appeals: a deployment that outgrows one PostgreSQL can
-- shard all of them by merchant and keep a complaint's rows together
-- (docs/deploy.md).
ALTER TABLE complaint_events ADD COLUMN merchant_id BIGINT REFERENCES merchants (id);
UPDATE complaint_events SET merchant_id = complaints.merchant_id
    FROM complaints WHERE complaints.id = complaint_events.complaint_id;
ALTER TABLE complaint_events ALTER COLUMN merchant_id SET NOT NULL;

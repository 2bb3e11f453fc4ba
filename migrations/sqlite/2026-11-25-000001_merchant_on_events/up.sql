-- The merchant on every timeline event, as on complaints, ratings, flags,
-- actions and appeals: a deployment that outgrows one PostgreSQL can
-- shard all of them by merchant and keep a complaint's rows together
-- (docs/deploy.md). SQLite cannot add a column with a foreign key and a
-- default, so here it is a plain column, always written.
ALTER TABLE complaint_events ADD COLUMN merchant_id BIGINT;
UPDATE complaint_events
    SET merchant_id = (SELECT merchant_id FROM complaints WHERE complaints.id = complaint_events.complaint_id);

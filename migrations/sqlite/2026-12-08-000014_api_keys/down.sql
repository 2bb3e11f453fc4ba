DROP INDEX complaints_updated;
DROP INDEX complaints_merchant_updated;
ALTER TABLE complaints DROP COLUMN updated_at;
DROP TABLE api_keys;

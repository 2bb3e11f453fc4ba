DROP TABLE reply_templates;
ALTER TABLE complaints DROP COLUMN merchant_viewed_at;

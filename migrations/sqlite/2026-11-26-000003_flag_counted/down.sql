ALTER TABLE merchant_flags DROP COLUMN counted_at;

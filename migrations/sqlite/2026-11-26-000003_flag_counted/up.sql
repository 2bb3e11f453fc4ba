ALTER TABLE merchant_flags ADD COLUMN counted_at TIMESTAMP;

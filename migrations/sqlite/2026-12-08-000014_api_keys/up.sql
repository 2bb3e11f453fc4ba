-- API keys (issue 23): a merchant's (merchant_id set) or the platform's
-- (merchant_id NULL). Only the SHA-256 of the whole key is kept; the
-- prefix is its public part, shown in lists to tell keys apart.
-- `last_used_at` is written at most once a minute.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY NOT NULL,
    merchant_id BIGINT REFERENCES merchants (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revoked_by BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id, id);

-- When a complaint's timeline last gained an entry: what the API's list
-- (`GET /api/v1/complaints`) is ordered by and filtered on
-- (`updated_since`), a merchant's complaints by their own index. Written by
-- the statements that already write the complaint (intake's insert, each
-- change of progress), and by one more for the timeline entries that
-- change nothing else (read receipts, relief follow-ups).
ALTER TABLE complaints ADD COLUMN updated_at TIMESTAMP;
UPDATE complaints SET updated_at = COALESCE(
    (SELECT MAX(e.at) FROM complaint_events e WHERE e.complaint_id = complaints.id), submitted_at);
CREATE INDEX complaints_merchant_updated ON complaints (merchant_id, updated_at, id);
CREATE INDEX complaints_updated ON complaints (updated_at, id);

-- Idempotency keys of the API's complaint filing (issue 23): a platform
-- files a complaint with an `Idempotency-Key` header; the same key (of
-- the same API key) with the same body answers the complaint it filed, a
-- different body is refused. Written in the complaint's transaction;
-- `body_sha256` is the SHA-256 of the body's canonical JSON. Kept for a
-- bounded time (src/service/retention.rs prunes by `created_at`).
CREATE TABLE api_idempotency (
    id BIGSERIAL PRIMARY KEY,
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
    idem_key TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX api_idempotency_key ON api_idempotency (api_key_id, idem_key);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);

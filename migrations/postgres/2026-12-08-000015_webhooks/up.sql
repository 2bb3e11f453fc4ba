-- Signed webhooks (issue 23): a merchant's endpoints, registered at
-- /merchant/webhooks, and the outbox of their deliveries.

-- An endpoint: where to POST, which events (their names, one space
-- apart, e.g. 'complaint.created complaint.breach'), and the signing
-- secret sealed with the server's key (AES-256-GCM, the endpoint's id as
-- associated data; see service::webhooks): never in clear.
-- `active` is false once the merchant turned it off (disabled_reason
-- 'merchant') or it failed for days on end ('failing'); `failing_since`
-- is the first failure since the last success.
CREATE TABLE webhook_endpoints (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_at TIMESTAMP,
    disabled_reason TEXT,
    failing_since TIMESTAMP,
    last_success_at TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Every event looks up its merchant's active endpoints through this one
-- index (intake, the sweep): a merchant without any costs one probe.
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, active);

-- One event for one endpoint, written in the event's own transaction.
-- `event_id` is the event's stable id (the same for every endpoint of
-- the merchant, and for every attempt): one row per endpoint and event.
-- `state`: 'pending' (waiting for its first attempt or a retry at
-- next_attempt_at), 'sending' (claimed by a dispatcher until
-- claimed_until), 'delivered' (a 2xx), 'dead' (given up), 'paused' (its
-- endpoint is off; back to pending when it is turned on again).
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (endpoint_id, event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
-- An endpoint's page lists its latest deliveries.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
-- Delivered rows are pruned after a while (service::retention).
CREATE INDEX webhook_deliveries_delivered ON webhook_deliveries (delivered_at);

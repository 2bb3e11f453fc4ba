-- Merchants, complaints with their deadline columns, the append-only
-- timeline, and the mail outbox. Times are UTC without a zone.

CREATE TABLE merchants (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    email TEXT NOT NULL,
    shop_url TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    qualification TEXT,
    credit_points INTEGER NOT NULL DEFAULT 100,
    supervision TEXT NOT NULL DEFAULT 'none',
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX merchants_credit_code ON merchants (credit_code);
CREATE INDEX merchants_name ON merchants (name);

CREATE TABLE complaints (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL,
    token TEXT NOT NULL,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    order_ref TEXT NOT NULL,
    category TEXT NOT NULL,
    desired_resolution TEXT NOT NULL,
    amount_fen BIGINT,
    description TEXT NOT NULL,
    consumer_name TEXT NOT NULL,
    consumer_phone TEXT,
    consumer_email TEXT,
    lang TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    response_due_at TIMESTAMP NOT NULL,
    resolution_due_at TIMESTAMP NOT NULL,
    responded_at TIMESTAMP,
    response_breached_at TIMESTAMP,
    proposed_at TIMESTAMP,
    resolution_met_at TIMESTAMP,
    resolution_breached_at TIMESTAMP,
    escalated_at TIMESTAMP,
    escalation_reason TEXT,
    ended_at TIMESTAMP,
    outcome TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX complaints_reference ON complaints (reference);
CREATE UNIQUE INDEX complaints_token ON complaints (token);
CREATE INDEX complaints_merchant_state ON complaints (merchant_id, state);
-- What the deadline sweeper looks for: only rows still able to breach.
CREATE INDEX complaints_response_due ON complaints (response_due_at)
    WHERE responded_at IS NULL AND response_breached_at IS NULL;
CREATE INDEX complaints_resolution_due ON complaints (resolution_due_at)
    WHERE resolution_met_at IS NULL AND resolution_breached_at IS NULL;

CREATE TABLE complaint_events (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    visibility TEXT NOT NULL,
    body TEXT,
    data TEXT
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    complaint_id BIGINT REFERENCES complaints (id),
    recipient TEXT NOT NULL,
    lang TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX outbox_dedupe_key ON outbox (dedupe_key);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

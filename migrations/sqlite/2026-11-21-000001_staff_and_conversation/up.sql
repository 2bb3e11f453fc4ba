-- Staff accounts, the sign-in throttle, and what the conversation between
-- merchant and consumer needs on the complaint itself.

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    merchant_id BIGINT REFERENCES merchants (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

-- One row per failed sign-in; the throttle counts the last 15 minutes.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY NOT NULL,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

-- When the complaint was resolved (accepted, in time or not).
ALTER TABLE complaints ADD COLUMN resolved_at TIMESTAMP;
-- The proposal now on the table.
ALTER TABLE complaints ADD COLUMN proposal_resolution TEXT;
ALTER TABLE complaints ADD COLUMN proposal_amount_fen BIGINT;
-- The earliest deadline the merchant still has to meet; NULL when nothing
-- is due from the merchant. The dashboard sorts and filters on it.
ALTER TABLE complaints ADD COLUMN next_due_at TIMESTAMP;
UPDATE complaints SET next_due_at = CASE
        WHEN responded_at IS NULL AND response_due_at < resolution_due_at THEN response_due_at
        ELSE resolution_due_at END
    WHERE state IN ('submitted', 'responded', 'escalated');

CREATE INDEX complaints_merchant_next_due ON complaints (merchant_id, next_due_at, id);
CREATE INDEX complaints_merchant_resolved ON complaints (merchant_id, resolved_at);
DROP INDEX complaints_merchant_state;
CREATE INDEX complaints_merchant_state ON complaints (merchant_id, state, id);

-- Which staff account acted (NULL for the consumer and the system).
ALTER TABLE complaint_events ADD COLUMN actor_id BIGINT REFERENCES users (id);

-- The supervisors' escalation queue, oldest escalation first.
CREATE INDEX complaints_escalation_queue ON complaints (state, escalated_at, id);

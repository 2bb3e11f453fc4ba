-- Relief (issue 21): what a consumer was given when a complaint ended,
-- recorded at every resolution (a proposal accepted, or accepted by
-- silence) and every ruling: `monetary` with its amount, `non_monetary`,
-- or an `explanation`. A monetary relief is followed up: at `ask_at` the
-- consumer is asked whether it arrived, and their answer is kept. A
-- complaint reopened because the money never came (relief_not_delivered)
-- and ruled again gets a new row: the latest is the one in force.
CREATE TABLE reliefs (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    kind TEXT NOT NULL,
    -- Integer fen; only for monetary relief, NULL when not known.
    amount_fen BIGINT,
    -- Of the amount, what the platform paid first from the deposit.
    compensation_fen BIGINT,
    -- What recorded it: accepted, silence, ruling, case.
    source TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    -- When to ask the consumer (monetary only), when they were asked.
    ask_at TIMESTAMP,
    asked_at TIMESTAMP,
    -- The consumer's answer: NULL until they give one (silence is not yes).
    received BOOLEAN,
    answered_at TIMESTAMP
);
CREATE INDEX reliefs_complaint ON reliefs (complaint_id, id);
-- The scorecard's and the overview's counts, per merchant.
CREATE INDEX reliefs_merchant ON reliefs (merchant_id, kind, received);
-- The sweeper's questions due: only those not yet asked.
CREATE INDEX reliefs_ask ON reliefs (ask_at) WHERE asked_at IS NULL;

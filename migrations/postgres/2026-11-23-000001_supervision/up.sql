-- Repeat-offender flags, actions against merchants, appeals, and the
-- consumer's rating of how a complaint ended.

-- A merchant's figures crossed a threshold: the reasons in words and
-- numbers, and what a supervisor made of it.
CREATE TABLE merchant_flags (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    state TEXT NOT NULL,
    reasons TEXT NOT NULL,
    raised_at TIMESTAMP NOT NULL,
    last_tripped_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id),
    note TEXT
);
CREATE INDEX merchant_flags_state ON merchant_flags (state, raised_at);
CREATE INDEX merchant_flags_merchant ON merchant_flags (merchant_id, id);

CREATE TABLE merchant_actions (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    kind TEXT NOT NULL,
    points INTEGER,
    reason TEXT NOT NULL,
    taken_at TIMESTAMP NOT NULL,
    taken_by BIGINT NOT NULL REFERENCES users (id),
    -- Lifted by a supervisor, or reversed by a granted appeal.
    ended_at TIMESTAMP,
    ended_by BIGINT REFERENCES users (id),
    end_reason TEXT,
    reversed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX merchant_actions_merchant ON merchant_actions (merchant_id, id);

CREATE TABLE appeals (
    id BIGSERIAL PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES merchant_actions (id),
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    started_at TIMESTAMP NOT NULL,
    started_by BIGINT NOT NULL REFERENCES users (id),
    statement TEXT,
    materials TEXT,
    submitted_at TIMESTAMP,
    decision TEXT,
    decision_reason TEXT,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX appeals_action ON appeals (action_id);
CREATE INDEX appeals_pending ON appeals (decision, submitted_at);

CREATE TABLE ratings (
    complaint_id BIGINT PRIMARY KEY NOT NULL REFERENCES complaints (id),
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    score INTEGER NOT NULL,
    comment TEXT,
    rated_at TIMESTAMP NOT NULL
);
CREATE INDEX ratings_merchant ON ratings (merchant_id, rated_at);

-- A merchant's figures over a window: each a range over one index.
CREATE INDEX complaints_merchant_submitted ON complaints (merchant_id, submitted_at);
CREATE INDEX complaints_merchant_response_breach ON complaints (merchant_id, response_breached_at)
    WHERE response_breached_at IS NOT NULL;
CREATE INDEX complaints_merchant_resolution_breach ON complaints (merchant_id, resolution_breached_at)
    WHERE resolution_breached_at IS NOT NULL;
CREATE INDEX complaints_merchant_ruled ON complaints (merchant_id, ended_at) WHERE outcome IS NOT NULL;

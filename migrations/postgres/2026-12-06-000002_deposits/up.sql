-- What a merchant must keep on deposit (保证金), by what it sells: the
-- merchant's requirement is the largest of its categories' (`none` for a
-- merchant that has named none). Supervisors edit it at
-- /supervisor/deposits; the defaults and where they come from are in
-- docs/money.md.
CREATE TABLE deposit_requirements (
    category TEXT PRIMARY KEY NOT NULL,
    required_fen BIGINT NOT NULL,
    changed_at TIMESTAMP,
    changed_by BIGINT REFERENCES users (id)
);
INSERT INTO deposit_requirements (category, required_fen) VALUES
    ('none', 200000),
    ('general', 200000),
    ('apparel', 500000),
    ('electronics', 500000),
    ('beauty', 1000000),
    ('food', 1000000),
    ('health_food', 5000000),
    ('medical_devices', 5000000),
    ('drugs', 5000000),
    ('finance', 5000000),
    ('education', 5000000);

-- The deposit ledger, append-only: a top-up (> 0), an adjustment (either
-- sign, with its reason) or a compensation paid to a consumer from the
-- deposit (< 0, tied to its complaint, with the time by which the
-- merchant must top up). The balance is the sum of a merchant's entries
-- and is stored nowhere else.
-- `swept_at`: when the sweeper looked at a compensation whose top-up fell
-- due (its claim: set once, by one sweep).
CREATE TABLE deposit_entries (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    kind TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    note TEXT NOT NULL,
    complaint_id BIGINT REFERENCES complaints (id),
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    top_up_due TIMESTAMP,
    swept_at TIMESTAMP
);
-- The balance: one range of this index, read without the table.
CREATE INDEX deposit_entries_merchant ON deposit_entries (merchant_id, amount_fen);
-- A complaint is paid at most once.
CREATE UNIQUE INDEX deposit_entries_compensation ON deposit_entries (complaint_id) WHERE kind = 'compensation';
-- The sweeper's work: compensations whose top-up is due and not yet looked at.
CREATE INDEX deposit_entries_top_up_due ON deposit_entries (top_up_due)
    WHERE top_up_due IS NOT NULL AND swept_at IS NULL;

-- The automatic restrictions of live selling for a deposit short after a
-- top-up fell due: which action, for which compensation, and when it was
-- lifted. At most one is open for a merchant at a time.
CREATE TABLE deposit_restrictions (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    action_id BIGINT NOT NULL UNIQUE REFERENCES merchant_actions (id),
    entry_id BIGINT NOT NULL REFERENCES deposit_entries (id),
    lifted_at TIMESTAMP
);
CREATE INDEX deposit_restrictions_merchant ON deposit_restrictions (merchant_id);
CREATE UNIQUE INDEX deposit_restrictions_open ON deposit_restrictions (merchant_id) WHERE lifted_at IS NULL;

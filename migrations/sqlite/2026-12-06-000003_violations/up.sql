-- The violation schedule (违规处理分览表, DESIGN.md "Money"): for each
-- violation type and severity level, the credit points deducted and the
-- measure taken, so that two supervisors punish the same violation the
-- same way. Types and levels are slugs (src/domain/violation.rs), named in
-- the catalogs; supervisors edit the figures. The defaults and why they
-- are what they are: docs/violations.md.
CREATE TABLE violation_schedule (
    id INTEGER PRIMARY KEY NOT NULL,
    violation TEXT NOT NULL,
    level TEXT NOT NULL,
    points INTEGER NOT NULL,
    -- 'warning', 'restrict_live' (for `days`) or 'suspend'.
    measure TEXT NOT NULL,
    days INTEGER,
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX violation_schedule_entry ON violation_schedule (violation, level);

INSERT INTO violation_schedule (violation, level, points, measure, days, updated_at) VALUES
    ('false_advertising', 'general', 2, 'warning', NULL, CURRENT_TIMESTAMP),
    ('false_advertising', 'serious', 6, 'restrict_live', 3, CURRENT_TIMESTAMP),
    ('false_advertising', 'particularly_serious', 12, 'restrict_live', 15, CURRENT_TIMESTAMP),
    ('false_efficacy', 'general', 4, 'warning', NULL, CURRENT_TIMESTAMP),
    ('false_efficacy', 'serious', 12, 'restrict_live', 7, CURRENT_TIMESTAMP),
    ('false_efficacy', 'particularly_serious', 48, 'suspend', NULL, CURRENT_TIMESTAMP),
    ('price_fraud', 'general', 3, 'warning', NULL, CURRENT_TIMESTAMP),
    ('price_fraud', 'serious', 6, 'restrict_live', 3, CURRENT_TIMESTAMP),
    ('price_fraud', 'particularly_serious', 12, 'restrict_live', 15, CURRENT_TIMESTAMP),
    ('counterfeit', 'general', 6, 'restrict_live', 3, CURRENT_TIMESTAMP),
    ('counterfeit', 'serious', 12, 'restrict_live', 15, CURRENT_TIMESTAMP),
    ('counterfeit', 'particularly_serious', 48, 'suspend', NULL, CURRENT_TIMESTAMP),
    ('refusing_after_sales', 'general', 2, 'warning', NULL, CURRENT_TIMESTAMP),
    ('refusing_after_sales', 'serious', 4, 'warning', NULL, CURRENT_TIMESTAMP),
    ('refusing_after_sales', 'particularly_serious', 6, 'restrict_live', 3, CURRENT_TIMESTAMP),
    ('off_platform', 'general', 3, 'warning', NULL, CURRENT_TIMESTAMP),
    ('off_platform', 'serious', 6, 'restrict_live', 7, CURRENT_TIMESTAMP),
    ('off_platform', 'particularly_serious', 12, 'restrict_live', 30, CURRENT_TIMESTAMP),
    ('personal_data', 'general', 3, 'warning', NULL, CURRENT_TIMESTAMP),
    ('personal_data', 'serious', 6, 'restrict_live', 7, CURRENT_TIMESTAMP),
    ('personal_data', 'particularly_serious', 12, 'restrict_live', 30, CURRENT_TIMESTAMP);

-- What the points accumulated in 12 months bring about: a merchant whose
-- unreversed points of the last 12 months reach `points` gets `measure`,
-- once (violation_triggers).
CREATE TABLE violation_thresholds (
    id INTEGER PRIMARY KEY NOT NULL,
    points INTEGER NOT NULL,
    measure TEXT NOT NULL,
    days INTEGER,
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);
INSERT INTO violation_thresholds (points, measure, days, updated_at) VALUES
    (12, 'restrict_live', 7, CURRENT_TIMESTAMP),
    (24, 'restrict_live', 30, CURRENT_TIMESTAMP),
    (48, 'suspend', NULL, CURRENT_TIMESTAMP);

-- A threshold crossed: by which action (`crossed_by`, the action that
-- brought the points to it), at how many points, and the measure it
-- brought (`action_id`; none when a heavier threshold crossed at once
-- brought the measure instead). The threshold counts as crossed while the
-- points counted up to `crossed_by` still reach `threshold_points`; no
-- second row is written for it until they no longer do. The takes that
-- write here hold the merchant's row, so two at once write one.
CREATE TABLE violation_triggers (
    id INTEGER PRIMARY KEY NOT NULL,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    threshold_id BIGINT NOT NULL REFERENCES violation_thresholds (id),
    threshold_points INTEGER NOT NULL,
    total_points INTEGER NOT NULL,
    crossed_by BIGINT NOT NULL REFERENCES merchant_actions (id),
    action_id BIGINT REFERENCES merchant_actions (id),
    crossed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX violation_triggers_once ON violation_triggers (merchant_id, threshold_id, crossed_by);

-- An action taken under the schedule: its type and level, the reason a
-- supervisor gave for going lighter than the schedule (`mitigation`).
-- A restriction of N days ends by itself at `ends_at` (the sweeper writes
-- `ended_at`; pages treat it as ended from then on anyway). An automatic
-- measure of a threshold: the points counted and the threshold reached.
ALTER TABLE merchant_actions ADD COLUMN violation TEXT;
ALTER TABLE merchant_actions ADD COLUMN level TEXT;
ALTER TABLE merchant_actions ADD COLUMN mitigation TEXT;
ALTER TABLE merchant_actions ADD COLUMN ends_at TIMESTAMP;
ALTER TABLE merchant_actions ADD COLUMN accrued_points INTEGER;
ALTER TABLE merchant_actions ADD COLUMN threshold_points INTEGER;
-- The sweeper's restrictions due to end: only those still running.
CREATE INDEX merchant_actions_ends ON merchant_actions (ends_at) WHERE ends_at IS NOT NULL AND ended_at IS NULL;
-- A merchant's points of the last 12 months (its credit score, its
-- thresholds): only the actions that deducted any.
CREATE INDEX merchant_actions_points ON merchant_actions (merchant_id, taken_at) WHERE points IS NOT NULL;

-- merchants.credit_points is no longer written: the score is 100 less the
-- unreversed points of the last 12 months, counted when it is shown.

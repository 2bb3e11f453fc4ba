-- Machine discovery (DESIGN.md): every complaint is scored at intake
-- against risk rules that supervisors edit; one over the threshold
-- (REDRESS_RISK_THRESHOLD) is in the supervisors' queue at once.

-- A rule: a label, a weight, and what it matches, by `kind`:
--   'words'             any of `pattern`'s words or phrases (one a line) in
--                       the description or a consumer's reply;
--   'regulated_product' the complaint names a product of a regulated
--                       category (health food, medical device, drug, …);
--   'amount_over'       the amount in dispute is over `threshold_fen`;
--   'category'          the complaint's category is `category` (its slug).
CREATE TABLE risk_rules (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'words',
    label TEXT NOT NULL,
    pattern TEXT NOT NULL DEFAULT '',
    threshold_fen BIGINT,
    category TEXT,
    weight INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);

-- One row, bumped with every change of a rule in the same transaction:
-- each instance keeps the rules in memory and reads only this at intake.
CREATE TABLE risk_rules_version (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO risk_rules_version (id, version) VALUES (1, 1);

INSERT INTO risk_rules (kind, label, pattern, weight, created_at, updated_at) VALUES
    ('words', '健康功效宣称', '治愈
根治
抗癌
包治
降血压
降血糖
降血脂
药到病除
特效药', 40, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')),
    ('words', '诱导站外交易', '加微信
加V
私下转账
扫码付款
微信转账
私下交易
线下交易', 50, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')),
    ('words', '老年消费者', '老人
父母
老年
爷爷
奶奶
外公
外婆
老伴', 20, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')),
    ('words', '假冒用语', '假货
高仿
仿品
A货
假冒', 30, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')),
    ('words', '收集个人信息', '身份证
验证码
银行卡号
人脸识别', 30, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'));
INSERT INTO risk_rules (kind, label, weight, created_at, updated_at) VALUES
    ('regulated_product', '受监管商品', 20, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'));
INSERT INTO risk_rules (kind, label, threshold_fen, weight, created_at, updated_at) VALUES
    ('amount_over', '大额争议', 100000, 10, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'));
INSERT INTO risk_rules (kind, label, category, weight, created_at, updated_at) VALUES
    ('category', '违禁商品投诉', 'prohibited_goods', 30, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'));

-- A complaint's score, which rules matched (one line a rule:
-- `<rule id>\t<label>[\t<word>]…`, the words as the rule spells them),
-- whether it is flagged ('high') or the flag was dismissed ('dismissed',
-- with the supervisor's reason, who and when).
ALTER TABLE complaints ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN risk_matches TEXT;
ALTER TABLE complaints ADD COLUMN risk_state TEXT;
ALTER TABLE complaints ADD COLUMN risk_note TEXT;
ALTER TABLE complaints ADD COLUMN risk_decided_by BIGINT REFERENCES users (id);
ALTER TABLE complaints ADD COLUMN risk_decided_at TIMESTAMP;
-- The high-risk part of the queue, oldest first: only flagged complaints
-- are in this index.
CREATE INDEX complaints_high_risk ON complaints (risk_state, submitted_at, id) WHERE risk_state = 'high';

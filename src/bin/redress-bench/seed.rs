//! A database the size of a busy year: N complaints (default 1,000,000)
//! over up to 5,000 merchants, generated inside the database in a few
//! statements (a client sending a million rows would measure itself).
//!
//! The shape, from what live-commerce complaints look like:
//! - complaints arrive evenly over the last 365 days, ids rising with time;
//! - merchant 1 has 1 % of them (10,000 of 1,000,000); a fifth of the other
//!   merchants, the big sellers, have 60 %; the small shops the rest;
//! - categories as the 2023 figures (false advertising 39 %, quality 35 %,
//!   price 13 %, the rest in the tail);
//! - fates: 75 % answered, proposed and accepted; 10 % rejected, escalated
//!   by the consumer and ruled; 8 % never answered, breached, escalated and
//!   ruled; 7 % withdrawn; each cut off at "now", so the last days hold
//!   complaints in every open state and the queue holds real escalations;
//! - one burst: 1 % of complaints (10,000 of 1,000,000) came in during a
//!   platform-wide sales festival 48–58 hours ago, against merchants of
//!   every size, and were never answered, so the first sweep finds them due
//!   at once (the sweep figure); their ids are consecutive, as the ids of
//!   complaints filed in the same hours are;
//! - references as the server writes them (`TS` + a day + the number,
//!   a day of 1999 so that none is ever one intake makes);
//! - a timeline event per step taken, and ratings on a third of resolutions;
//! - a tenth of the consumers consented to the public register;
//! - the repeat-offender flags earlier sweeps would have raised: every
//!   merchant with 10 or more complaints in the last 30 days is flagged;
//! - each merchant has a live room, a host, an approved product and
//!   yesterday's session featuring it, with the same id as the merchant.

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use redress::store::DbConnection;

pub struct Shape {
    pub complaints: i64,
    pub merchants: i64,
}

impl Shape {
    pub fn new(complaints: i64) -> Shape {
        Shape { complaints, merchants: (complaints / 200).clamp(1, 5_000) }
    }

    /// The merchant with the most complaints: the dashboard's subject.
    pub const BIG_MERCHANT: i64 = 1;

    /// Complaints falling due at the first sweep.
    pub fn due(&self) -> i64 {
        self.complaints / 100
    }
}

/// Minutes before `base` as a timestamp, in each database's own words.
fn minutes_before(conn: &DbConnection, base: &str, minutes: &str) -> String {
    match conn {
        DbConnection::Sqlite(_) => format!("datetime('{base}', (0 - ({minutes})) || ' minutes')"),
        DbConnection::Pg(_) => format!("(TIMESTAMP '{base}' - ({minutes}) * INTERVAL '1 minute')"),
    }
}

/// `submitted_at` + 15 days, in each database's own words.
fn fifteen_days_after_filing(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Sqlite(_) => "datetime(submitted_at, '+15 days')",
        DbConnection::Pg(_) => "(submitted_at + INTERVAL '15 days')",
    }
}

/// Which merchant complaint `i` is against: 1 % to merchant 1, 60 % to
/// the big sellers (a fifth of the rest), the other 39 % to the small shops.
fn merchant_of(m: i64) -> String {
    if m < 10 {
        return format!("CASE WHEN i % 100 = 0 OR {m} = 1 THEN 1 ELSE 2 + i % ({m} - 1) END");
    }
    let big = (m - 1) / 5;
    format!(
        "CASE WHEN i % 100 = 0 THEN 1 WHEN (i * 7) % 100 < 61 THEN 2 + (i * 13) % {big}
              ELSE 2 + {big} + (i * 17) % {small} END",
        small = m - 1 - big
    )
}

pub fn seed(conn: &mut DbConnection, shape: &Shape, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    let base = now.format("%Y-%m-%d %H:%M:%S").to_string();
    let (n, m) = (shape.complaints, shape.merchants);
    // Minutes after submission at which each step happens (never, as a
    // huge number, for a step the fate does not take).
    let never = 10_000_000;
    let at = |offset: &str| minutes_before(conn, &base, &format!("age - ({offset})"));
    let sub = at("0");
    let steps = "resp, prop, rej, esc, ruled, withdrawn, burst, age,
         CASE WHEN age >= ruled THEN 'closed'
              WHEN age >= esc THEN 'escalated'
              WHEN age >= withdrawn THEN 'withdrawn'
              WHEN age >= acc THEN 'resolved'
              WHEN age >= rej THEN 'responded'
              WHEN age >= prop THEN 'proposed'
              WHEN age >= resp THEN 'responded'
              ELSE 'submitted' END AS state, acc, fate, i";
    // The burst's ids, lo..=hi: after every complaint older than it, before
    // the last two days' (ids rise with time), the others' ages spread
    // over the year as if the burst were not there.
    let due = shape.due();
    let normal = n - due;
    let tail = (2880 * normal + 525_599) / 525_600;
    let (lo, hi) = (n - tail - due + 1, n - tail);
    // The fate of complaint i and the minute of each of its steps.
    let fates = format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {n}),
         a AS (SELECT i,
                CASE WHEN i BETWEEN {lo} AND {hi} THEN 2881 + ({hi} - i) * 600 / {due}
                     WHEN i < {lo} THEN ({normal} - i) * 525600 / {normal}
                     ELSE ({normal} - i + {due}) * 525600 / {normal} END AS age,
                CASE WHEN i BETWEEN {lo} AND {hi} THEN 100 ELSE (i * 61) % 100 END AS fate,
                CASE WHEN i BETWEEN {lo} AND {hi} THEN 1 ELSE 0 END AS burst,
                60 * (1 + i % 40) AS r
               FROM n),
         f AS (SELECT i, age, fate, burst,
                CASE WHEN fate < 85 THEN r ELSE {never} END AS resp,
                CASE WHEN fate < 85 THEN r + 360 ELSE {never} END AS prop,
                CASE WHEN fate < 75 THEN r + 1800 ELSE {never} END AS acc,
                CASE WHEN fate >= 75 AND fate < 85 THEN r + 1080 ELSE {never} END AS rej,
                CASE WHEN fate >= 75 AND fate < 85 THEN r + 1800
                     WHEN fate >= 85 AND fate < 93 THEN 2880 ELSE {never} END AS esc,
                CASE WHEN fate >= 75 AND fate < 85 THEN r + 4680
                     WHEN fate >= 85 AND fate < 93 THEN 7200 ELSE {never} END AS ruled,
                CASE WHEN fate >= 93 AND fate < 100 THEN 720 ELSE {never} END AS withdrawn
               FROM a),
         g AS (SELECT {steps} FROM f)"
    );
    let when = |step: &str, cond: &str| format!("CASE WHEN {cond} THEN {} END", at(step));
    let done = |step: &str| format!("age >= {step}");
    let open = "state IN ('submitted', 'responded', 'escalated')";
    let ended = format!(
        "CASE WHEN age >= ruled THEN {} WHEN age >= withdrawn THEN {} WHEN age >= acc THEN {} END",
        at("ruled"),
        at("withdrawn"),
        at("acc")
    );
    let statements = format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {m})
         INSERT INTO merchants (id, name, credit_code, email, categories, supervision, created_at)
           SELECT i, '直播商家' || i || '号电子商务有限公司', 'BENCH' || i, 'merchant' || i || '@example.cn',
             'general', 'none', {created} FROM n;

         -- Each merchant's live commerce: a room, a host, an approved
         -- product and yesterday's session featuring it (what intake names).
         INSERT INTO live_rooms (id, merchant_id, platform, name, room_ref, status, created_at)
           SELECT id, id, 'douyin', '直播间' || id, 'room' || id, 'active', {created} FROM merchants;
         INSERT INTO hosts (id, merchant_id, display_name, real_name, kind, medical_staff, status, created_at)
           SELECT id, id, '主播' || id, '王芳', 'own_staff', FALSE, 'active', {created} FROM merchants;
         INSERT INTO products (id, merchant_id, name, category, claims, review, submitted_at)
           SELECT id, id, '蓝牙耳机' || id, 'general', '正品保障', 'approved', {created} FROM merchants;
         INSERT INTO live_sessions (id, merchant_id, room_id, host_id, started_at, ended_at, created_at)
           SELECT id, id, id, id, {yesterday}, {yesterday_end}, {yesterday_end} FROM merchants;
         INSERT INTO session_products (session_id, product_id) SELECT id, id FROM merchants;

         {fates}
         INSERT INTO complaints (id, reference, token, merchant_id, order_ref, category, desired_resolution,
             amount_fen, description, consumer_name, consumer_phone, consumer_email, lang, state,
             submitted_at, response_due_at, resolution_due_at, responded_at, response_breached_at,
             proposed_at, resolution_met_at, escalated_at, escalation_reason, ended_at, outcome,
             resolved_at, proposal_resolution, proposal_amount_fen, next_due_at, rejected_at, updated_at)
         SELECT i, 'TS19990101' || (1000000 + i), 'benchtoken' || i || 'x0000000000', 
             {merchant},
             'DY' || (100000000 + i),
             CASE WHEN (i * 37) % 100 < 39 THEN 'false_advertising' WHEN (i * 37) % 100 < 74 THEN 'counterfeit'
                  WHEN (i * 37) % 100 < 87 THEN 'price_fraud' WHEN (i * 37) % 100 < 90 THEN 'health_claims'
                  WHEN (i * 37) % 100 < 94 THEN 'refund_refused' WHEN (i * 37) % 100 < 97 THEN 'delivery'
                  WHEN (i * 37) % 100 < 98 THEN 'personal_data' ELSE 'other' END,
             CASE WHEN (i * 13) % 10 < 5 THEN 'refund' WHEN (i * 13) % 10 < 7 THEN 'return_refund'
                  WHEN (i * 13) % 10 < 8 THEN 'exchange' WHEN (i * 13) % 10 < 9 THEN 'compensation'
                  ELSE 'correction' END,
             1000 + (i * 7919) % 200000,
             '直播间里主播说这件外套是100%羊毛，收到后吊牌写着聚酯纤维65%。要求退货退款。订单' || i,
             '消费者' || (i % 1000), '138' || (10000000 + i % 89999999),
             CASE WHEN i % 2 = 0 THEN 'buyer' || i || '@example.com' END, 'zh-CN', state,
             {sub}, {response_due}, {resolution_due},
             {responded}, {response_breached}, {proposed}, {met}, {escalated},
             CASE WHEN {esc_done} THEN CASE WHEN fate < 85 THEN 'consumer_request' ELSE 'response_breach' END END,
             {ended},
             CASE WHEN state = 'closed' THEN CASE WHEN i % 3 = 0 THEN 'upheld' WHEN i % 3 = 1 THEN 'partly_upheld'
                  ELSE 'not_upheld' END END,
             {met}, CASE WHEN {prop_done} THEN 'refund' END, CASE WHEN {prop_done} THEN 1000 + (i * 7919) % 200000 END,
             CASE WHEN state = 'submitted' OR (state = 'escalated' AND resp > age) THEN {response_due}
                  WHEN {open} THEN {resolution_due} END,
             {rejected}, {sub}
         FROM g;

         INSERT INTO complaint_events (complaint_id, merchant_id, at, actor, kind, visibility)
           SELECT id, merchant_id, submitted_at, 'consumer', 'submitted', 'public' FROM complaints;
         INSERT INTO complaint_events (complaint_id, merchant_id, at, actor, kind, visibility, body)
           SELECT id, merchant_id, responded_at, 'merchant', 'reply', 'public', '您好，已收到您的反馈，我们正在核实。'
           FROM complaints WHERE responded_at IS NOT NULL;
         INSERT INTO complaint_events (complaint_id, merchant_id, at, actor, kind, visibility)
           SELECT id, merchant_id, escalated_at, 'system', 'escalated', 'public'
           FROM complaints WHERE escalated_at IS NOT NULL;
         INSERT INTO merchant_flags (merchant_id, state, reasons, raised_at, last_tripped_at)
           SELECT merchant_id, 'flagged', 'complaints|' || COUNT(*) || '|', {now}, {now}
           FROM complaints WHERE submitted_at >= {month_ago} GROUP BY merchant_id HAVING COUNT(*) >= 10;
         UPDATE merchants SET supervision = 'flagged' WHERE id IN (SELECT merchant_id FROM merchant_flags);
         -- A tenth of the consumers consented to the public register
         -- (published at the merchant's answer or after 15 days); every
         -- fifth of those the merchant gave a public response. Their search
         -- terms are left to the register's job (timed on its own).
         INSERT INTO register_entries (complaint_id, merchant_id, consent, consent_at, submitted_at, publish_at,
             category, response, response_at)
           SELECT id, merchant_id, TRUE, submitted_at, submitted_at,
             CASE WHEN responded_at IS NOT NULL AND responded_at < {fifteen_days} THEN responded_at
                  ELSE {fifteen_days} END,
             category, CASE WHEN id % 50 = 0 THEN 'settled' END, CASE WHEN id % 50 = 0 THEN responded_at END
           FROM complaints WHERE id % 10 = 0;
         INSERT INTO ratings (complaint_id, merchant_id, score, comment, rated_at)
           SELECT id, merchant_id, 1 + id % 5, NULL, resolved_at FROM complaints
           WHERE resolved_at IS NOT NULL AND id % 3 = 0;",
        fifteen_days = fifteen_days_after_filing(conn),
        created = minutes_before(conn, &base, "600000"),
        now = minutes_before(conn, &base, "0"),
        month_ago = minutes_before(conn, &base, "43200"),
        yesterday = minutes_before(conn, &base, "1440"),
        yesterday_end = minutes_before(conn, &base, "1320"),
        merchant = merchant_of(m),
        response_due = at("2880"),
        resolution_due = at("10080"),
        responded = when("resp", &done("resp")),
        response_breached = when("2880", "resp > 2880 AND withdrawn > 2880 AND age >= 2880 AND burst = 0"),
        proposed = when("prop", &done("prop")),
        met = when("acc", &done("acc")),
        escalated = when("esc", &done("esc")),
        esc_done = done("esc"),
        prop_done = done("prop"),
        ended = ended,
        rejected = when("rej", &done("rej")),
    );
    conn.batch_execute("BEGIN")?;
    conn.batch_execute(&statements)?;
    if let DbConnection::Pg(_) = conn {
        // Explicit ids leave the sequences behind.
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('merchants', 'id'), (SELECT max(id) FROM merchants));
             SELECT setval(pg_get_serial_sequence('complaints', 'id'), (SELECT max(id) FROM complaints));
             SELECT setval(pg_get_serial_sequence('live_rooms', 'id'), (SELECT max(id) FROM live_rooms));
             SELECT setval(pg_get_serial_sequence('hosts', 'id'), (SELECT max(id) FROM hosts));
             SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products));
             SELECT setval(pg_get_serial_sequence('live_sessions', 'id'), (SELECT max(id) FROM live_sessions));",
        )?;
    }
    conn.batch_execute("COMMIT")?;
    if let DbConnection::Pg(_) = conn {
        conn.batch_execute("ANALYZE")?;
    }
    Ok(())
}

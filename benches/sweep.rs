//! The deadline sweep's cost: N complaints stored (default 1,000,000 over
//! 5,000 merchants), 10,000 of them past their 48-hour response deadline,
//! on an embedded SQLite file with the production settings.
//!
//!     cargo bench --bench sweep                      # 1,000,000 stored
//!     cargo bench --bench sweep -- --complaints 100000
//!
//! Prints the seeding time and the sweep's wall time; a second sweep (with
//! nothing due) shows the floor; then the cost of the database figures a
//! `/metrics` scrape reads.

use std::time::Instant;

use chrono::{Duration, Utc};
use diesel::connection::SimpleConnection;
use redress::config::Config;
use redress::service::conversation::At;
use redress::service::sweeper::sweep;
use redress::startup::prepare;

fn arg(name: &str, default: i64) -> i64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let stored = arg("--complaints", 1_000_000);
    let due = arg("--due", 10_000).min(stored);
    let merchants = 5_000.min(stored.max(1));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = Config::from_lookup(|_| None).expect("defaults");
    config.data_dir = dir.path().to_owned();
    config.database_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let pool = prepare(&config).expect("database");
    let mut conn = pool.get().expect("connection");
    let now = Utc::now();
    let ts = |d: Duration| (now - d).format("%Y-%m-%d %H:%M:%S").to_string();

    let started = Instant::now();
    // Generated inside SQLite in one transaction: minutes would otherwise go
    // to the client, not the database. Complaints 1..=due were filed 50 h
    // ago and never answered; the rest are evenly either resolved long ago
    // (out of every sweeper index) or filed an hour ago (deadlines ahead).
    conn.batch_execute(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {merchants})
         INSERT INTO merchants (id, name, credit_code, email, created_at)
           SELECT i, '商家' || i, 'CODE' || i, 'm' || i || '@example.cn', '{old}' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {stored})
         INSERT INTO complaints (id, reference, token, merchant_id, order_ref, category, desired_resolution,
             description, consumer_name, consumer_phone, lang, state, submitted_at, response_due_at,
             resolution_due_at, responded_at, resolution_met_at, resolved_at, ended_at, next_due_at)
           SELECT i, 'TS' || i, 'token' || i, 1 + i % {merchants}, 'DY' || i, 'false_advertising', 'refund',
             '主播说是纯棉，收到后标签写着聚酯纤维。', '消费者', '13800138000', 'zh-CN',
             CASE WHEN i <= {due} THEN 'submitted' WHEN i % 2 = 0 THEN 'resolved' ELSE 'submitted' END,
             CASE WHEN i <= {due} THEN '{s50}' WHEN i % 2 = 0 THEN '{old}' ELSE '{s1}' END,
             CASE WHEN i <= {due} THEN '{d50}' WHEN i % 2 = 0 THEN '{old_due}' ELSE '{d1}' END,
             CASE WHEN i <= {due} THEN '{r50}' WHEN i % 2 = 0 THEN '{old_res}' ELSE '{r1}' END,
             CASE WHEN i > {due} AND i % 2 = 0 THEN '{old}' END,
             CASE WHEN i > {due} AND i % 2 = 0 THEN '{old}' END,
             CASE WHEN i > {due} AND i % 2 = 0 THEN '{old}' END,
             CASE WHEN i > {due} AND i % 2 = 0 THEN '{old}' END,
             CASE WHEN i <= {due} THEN '{d50}' WHEN i % 2 = 0 THEN NULL ELSE '{d1}' END
           FROM n;
         COMMIT;",
        old = ts(Duration::days(40)),
        old_due = ts(Duration::days(38)),
        old_res = ts(Duration::days(33)),
        s50 = ts(Duration::hours(50)),
        d50 = ts(Duration::hours(2)),
        r50 = ts(Duration::hours(50) - Duration::days(7)),
        s1 = ts(Duration::hours(1)),
        d1 = ts(Duration::hours(1) - Duration::hours(48)),
        r1 = ts(Duration::hours(1) - Duration::days(7)),
    ))
    .expect("seeding");
    println!("seeded {stored} complaints over {merchants} merchants in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let report = sweep(&mut conn, At { config: &config, now }).expect("sweep").expect("no other sweep");
    let first = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let again = sweep(&mut conn, At { config: &config, now }).expect("sweep").expect("no other sweep");
    let second = started.elapsed().as_secs_f64();
    println!("sweep with {due} due out of {stored}: {first:.3} s ({report})");
    println!("sweep with nothing due: {:.4} s ({again})", second);
    assert_eq!(report.response_breaches as i64, due, "every due complaint was breached once");

    // What a `/metrics` scrape reads of the database, at this size.
    let started = Instant::now();
    let totals = redress::store::gauges::totals(&mut conn).expect("totals");
    let backlog = redress::store::gauges::backlog(&mut conn).expect("backlog");
    println!(
        "/metrics database figures: {:.1} ms ({} states, {} response breaches, {} queued notices)",
        started.elapsed().as_secs_f64() * 1000.0,
        totals.by_state.len(),
        totals.response_breaches,
        backlog.queued
    );
}

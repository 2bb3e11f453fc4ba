//! The hot queries use indexes: every query the sweeper, the merchant
//! dashboard, the escalation queue, the public scorecard and the
//! repeat-offender count run is captured from the real code
//! and its SQLite plan checked for a full scan of `complaints`. (A sweep's
//! cost then grows with what is due, not with what is stored; the sweep
//! benchmark measures it.)

use std::sync::{Arc, Mutex};

use chrono::Duration;
use diesel::connection::{Connection, InstrumentationEvent};
use diesel::prelude::*;
use diesel::sql_types::Text;
use redress::clock::Clock;
use redress::store::{DbConnection, dashboard, supervision};

use crate::helpers::*;

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// Runs `work` on a connection and returns the SQL of every query it ran.
fn captured(conn: &mut DbConnection, work: impl FnOnce(&mut DbConnection)) -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let sql = query.to_string();
            let sql = sql.split(" -- binds:").next().unwrap_or("").to_owned();
            sink.lock().unwrap().push(sql);
        }
    });
    work(conn);
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    seen.lock().unwrap().clone()
}

fn full_scans(conn: &mut DbConnection, queries: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    for sql in queries.iter().filter(|q| q.trim_start().starts_with("SELECT") && q.contains("`complaints`")) {
        let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(conn).unwrap();
        for row in plan {
            // "SCAN complaints" reads the whole table; "SEARCH … USING INDEX"
            // reads a range of one.
            if row.detail.starts_with("SCAN complaints") && !row.detail.contains("INDEX") {
                bad.push(format!("{sql}\n  -> {}", row.detail));
            }
        }
    }
    bad
}

#[test]
fn hot_queries_never_scan_the_complaints_table() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // The plans checked here are SQLite's; the PostgreSQL run of the
        // suite exercises the same queries for behaviour.
        return;
    }
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    for _ in 0..3 {
        app.file_complaint(m, &[]);
    }
    app.clock.advance(Duration::hours(49));
    let now = app.clock.now();
    let mut conn = app.pool.get().unwrap();
    let mut queries = captured(&mut conn, |conn| {
        let report =
            redress::service::sweeper::sweep(conn, redress::service::conversation::At { config: &app.config, now })
                .unwrap()
                .expect("no other sweep");
        assert_eq!(report.response_breaches, 3);
        dashboard::counters(conn, m, now, Duration::hours(12)).unwrap();
        for filter in [
            dashboard::ListQuery::default(),
            dashboard::ListQuery { due: Some(dashboard::Due::Overdue), ..Default::default() },
            dashboard::ListQuery { state: Some(redress::domain::state::State::Resolved), ..Default::default() },
        ] {
            dashboard::list(conn, m, &filter, now, Duration::hours(12), 25).unwrap();
        }
        supervision::queue(conn, supervision::QueueFilter::default(), 100).unwrap();
        redress::service::scorecard::scorecard(conn, m, now).unwrap().unwrap();
        redress::store::flags::figures(conn, m, now - Duration::days(30)).unwrap();
    });
    queries.dedup();
    assert!(queries.len() >= 10, "the work ran its queries: {queries:#?}");
    let bad = full_scans(&mut conn, &queries);
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));
}

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

use crate::helpers::{self, *};

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// Runs `work` on a connection and returns the SQL of every query it ran.
pub fn captured(conn: &mut DbConnection, work: impl FnOnce(&mut DbConnection)) -> Vec<String> {
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

/// SQLite's plan of `sql`, a line a step.
pub fn plan(conn: &mut DbConnection, sql: &str) -> Vec<String> {
    let rows: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(conn).unwrap();
    rows.into_iter().map(|row| row.detail).collect()
}

/// The queries among `queries` that read the whole of one of `tables`.
fn full_scans_of(conn: &mut DbConnection, queries: &[String], tables: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for sql in queries.iter().filter(|q| q.trim_start().starts_with("SELECT")) {
        let named = |t: &&str| sql.contains(&format!("`{t}`")) || sql.contains(&format!("FROM {t}"));
        let read: Vec<&str> = tables.iter().copied().filter(|t| named(t)).collect();
        if read.is_empty() {
            continue;
        }
        for detail in plan(conn, sql) {
            // "SCAN complaints" reads the whole table; "SEARCH … USING INDEX"
            // reads a range of one.
            if read.iter().any(|t| detail.starts_with(&format!("SCAN {t}"))) && !detail.contains("INDEX") {
                bad.push(format!("{sql}\n  -> {detail}"));
            }
        }
    }
    bad
}

fn full_scans(conn: &mut DbConnection, queries: &[String]) -> Vec<String> {
    full_scans_of(conn, queries, &["complaints"])
}

#[test]
fn hot_queries_never_scan_the_complaints_table() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // The plans checked here are SQLite's; the PostgreSQL run of the
        // suite exercises the same queries for behaviour.
        return;
    }
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    for _ in 0..3 {
        ComplaintBuilder::new(m).file(&app);
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
        let by_name = supervision::QueueFilter { merchant_name: Some("星河".into()), ..Default::default() };
        supervision::queue(conn, by_name, 100).unwrap();
        supervision::merchant_named(conn, "星河").unwrap();
        redress::service::scorecard::scorecard(conn, m, now).unwrap().unwrap();
        redress::store::flags::figures(conn, m, now - Duration::days(30)).unwrap();
        // Which flags the sweeper re-counts, and what filing one costs.
        redress::store::flags::to_recount(conn, now - Duration::days(30)).unwrap();
        ComplaintBuilder::new(m).order_ref("DY1").insert(conn, &app.config, app.clock.now());
    });
    queries.dedup();
    assert!(queries.len() >= 10, "the work ran its queries: {queries:#?}");
    let bad = full_scans(&mut conn, &queries);
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));

    // The scorecard reads no complaint or rating at all: each of its
    // queries is a range over an index holding every column it needs.
    let card = captured(&mut conn, |conn| {
        redress::service::scorecard::scorecard(conn, m, now).unwrap().unwrap();
    });
    let mut read = Vec::new();
    for sql in card.iter().filter(|q| q.contains("`complaints`") || q.contains("`ratings`")) {
        let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(&mut conn).unwrap();
        read.extend(plan.into_iter().map(|row| row.detail).filter(|d| !d.contains("COVERING INDEX")));
    }
    assert!(read.is_empty(), "the scorecard reads rows: {read:#?}");
}

/// The scorecard's figures, counted by the database, are exactly what
/// counting the complaints row by row gives (`Rates::of`, which the
/// supervisors' overview still uses), on either database: deadlines
/// decided on read, boundaries to the microsecond, even and odd medians.
#[test]
fn the_scorecard_counts_in_the_database_what_the_rows_say() {
    use redress::service::overview::Rates;
    use redress::store::complaints::{self, NewComplaintRow};
    use redress::store::schema::complaints as table;
    use redress::store::{report, to_db};

    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let now = app.clock.now();
    let mut conn = app.pool.get().unwrap();
    let us = Duration::microseconds;
    let add = |conn: &mut DbConnection, merchant: i64, i: i64, submitted: chrono::DateTime<chrono::Utc>| {
        let (response_due, resolution_due) = (submitted + Duration::hours(48), submitted + Duration::days(7));
        let reference = format!("TS{merchant}X{i:06}");
        let next = complaints::next_id(conn).unwrap();
        let id = complaints::insert_as(
            conn,
            next,
            &NewComplaintRow {
                reference: &reference,
                token: &format!("token-{reference}"),
                merchant_id: merchant,
                order_ref: "DY1",
                category: "delivery",
                desired_resolution: "refund",
                amount_fen: None,
                description: "付款后十天还没有发货。",
                consumer_name: "赵敏",
                consumer_phone: None,
                consumer_email: None,
                lang: "zh-CN",
                state: "submitted",
                submitted_at: to_db(submitted),
                response_due_at: to_db(response_due),
                resolution_due_at: to_db(resolution_due),
                next_due_at: None,
                product_id: None,
                live_session_id: None,
                room_id: None,
                host_id: None,
                risk_score: 0,
                risk_matches: None,
                risk_state: None,
            },
        )
        .unwrap()
        .id;
        // Answered early, on the dot, a microsecond late, days late, or never;
        // resolved on the dot, late, or never.
        let responded = match i % 6 {
            0 => Some(submitted + Duration::minutes(i * 37 % 2000) + us(i * 7919 % 1_000_000)),
            1 => Some(response_due),
            2 => Some(response_due + us(1)),
            3 => Some(submitted + Duration::hours(60 + i % 50)),
            _ => None,
        };
        let met = match i % 5 {
            0 => Some(resolution_due),
            1 => Some(resolution_due + Duration::seconds(1)),
            2 => Some(submitted + Duration::days(3) + us(i)),
            _ => None,
        };
        diesel::update(table::table.find(id))
            .set((
                table::responded_at.eq(responded.filter(|at| *at <= now).map(to_db)),
                table::resolution_met_at.eq(met.filter(|at| *at <= now).map(to_db)),
            ))
            .execute(conn)
            .unwrap();
    };
    // Over 400 days, with the window's edges and deadlines falling due at
    // `now` itself among them.
    let mut edges = vec![
        now - Duration::days(365),
        now - Duration::days(365) - us(1),
        now - Duration::days(30),
        now - Duration::days(90) + us(1),
        now - Duration::hours(48),
        now - Duration::hours(48) - us(1),
        now - Duration::days(7),
        now - Duration::days(7) + us(1),
        now,
    ];
    edges.extend((0..240).map(|i| now - Duration::minutes(i * 2411 % (400 * 1440)) - us(i * 104_729 % 1_000_000)));
    for (i, at) in edges.iter().enumerate() {
        add(&mut conn, m, i as i64, *at);
        if i % 4 == 0 {
            add(&mut conn, other, i as i64, *at);
        }
    }

    let year = now - Duration::days(365);
    for (merchant, extra) in [(m, 0), (m, 1), (other, 0)] {
        // An odd number of answers as well as an even one.
        if extra == 1 {
            add(&mut conn, m, 996, now - Duration::days(2));
        }
        let facts = report::merchant_facts_since(&mut conn, merchant, year).unwrap();
        let all: Vec<&report::Facts> = facts.iter().collect();
        let received = |days: i64| facts.iter().filter(|f| f.submitted_at >= to_db(now - Duration::days(days))).count();
        let card = redress::service::scorecard::scorecard(&mut conn, merchant, now).unwrap().unwrap();
        assert_eq!(card.received, [received(30), received(90), facts.len()]);
        assert_eq!(card.rates, Rates::of(&all, now), "merchant {merchant}, {} complaints", facts.len());
        assert!(card.rates.median_first_response.is_some() && card.rates.on_time_resolution.is_some());
    }
    let nobody = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let card = redress::service::scorecard::scorecard(&mut conn, nobody, now).unwrap().unwrap();
    assert_eq!(card.received, [0, 0, 0]);
    assert_eq!(card.rates, Rates::of(&[], now));
    assert_eq!(card.satisfaction, None);
}

/// Live commerce's hot queries: the complaints naming a merchant's
/// products, sessions, rooms and hosts within a window (the intake stores
/// them on the complaint, the scorecard counts them) and the product
/// review queue. None reads the whole of `complaints` or `products`, and
/// the counts read no complaint row at all. (The counts are checked on
/// either database, the plans on SQLite.)
#[test]
fn live_commerce_counts_and_the_review_queue_use_their_indexes() {
    use redress::domain::live::{ProductCategory, Review};
    use redress::store::live::{self, counts};

    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let (room, host) = (helpers::live::room(&app, m), helpers::live::host(&app, m, false));
    let p = helpers::live::product(&app, m, ProductCategory::General, Review::Approved);
    helpers::live::product(&app, m, ProductCategory::Food, Review::Pending);
    helpers::live::product(&app, other, ProductCategory::Food, Review::Pending);
    let s = helpers::live::session(&app, m, (room, host), &[p], app.clock.now() - Duration::hours(3));
    for _ in 0..3 {
        ComplaintBuilder::new(m).field("product", &p.to_string()).field("live_session", &s.to_string()).file(&app);
        ComplaintBuilder::new(other).file(&app);
    }
    let now = app.clock.now();
    let day = now - Duration::hours(24);
    let mut conn = app.pool.get().unwrap();
    let mut named = Vec::new();
    let mut queries = captured(&mut conn, |conn| {
        named.push(counts::by_product(conn, m, day).unwrap());
        named.push(counts::by_session(conn, m, day).unwrap());
        named.push(counts::by_room(conn, m, day).unwrap());
        named.push(counts::by_host(conn, m, day).unwrap());
        assert_eq!(live::pending_products(conn, 50).unwrap().len(), 2);
        let card = redress::service::scorecard::scorecard(conn, m, now).unwrap().unwrap();
        assert_eq!(card.live.products[0].complaints, 3);
    });
    assert_eq!(named, [p, s, room, host].map(|id| std::collections::HashMap::from([(id, 3)])), "counted");
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return;
    }
    queries.dedup();
    let live: Vec<String> = queries
        .iter()
        .filter(|q| ["product_id", "live_session_id", "room_id", "host_id"].iter().any(|c| q.contains(c)))
        .filter(|q| q.contains("GROUP BY"))
        .cloned()
        .collect();
    assert!(live.len() >= 4, "the counts ran: {queries:#?}");
    let bad = full_scans_of(&mut conn, &queries, &["complaints", "products"]);
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));
    for sql in &live {
        let details = plan(&mut conn, sql);
        let reads: Vec<&String> = details.iter().filter(|d| d.contains(" complaints ")).collect();
        assert!(!reads.is_empty(), "{sql}: {details:?}");
        for d in reads {
            assert!(d.contains("COVERING INDEX complaints_"), "{sql}\n  reads rows: {d}");
        }
    }
}

/// SQLite's plans of the `SELECT`s among `queries` that read one of
/// `tables`: those that read the whole of one, and every plan line (to
/// check which indexes were used).
pub fn ranges_of(conn: &mut DbConnection, queries: &[String], tables: &[&str]) -> (Vec<String>, String) {
    let mut bad = Vec::new();
    let mut used = String::new();
    for sql in queries.iter().filter(|q| q.trim_start().starts_with("SELECT")) {
        let read: Vec<&str> = tables.iter().copied().filter(|t| sql.contains(&format!("`{t}`"))).collect();
        for detail in plan(conn, sql) {
            if read.iter().any(|t| detail.starts_with(&format!("SCAN {t}")) && !detail.contains("INDEX")) {
                bad.push(format!("{sql}\n  -> {detail}"));
            }
            used.push_str(&detail);
            used.push('\n');
        }
    }
    (bad, used)
}

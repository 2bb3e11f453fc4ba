//! What the hot paths cost the database: the statements of filing a
//! complaint and of sweeping one that fell due, each prepared once per
//! connection and reused (SQLite's parser was a tenth to a sixth of the
//! time when some were prepared afresh each time).

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, InstrumentationEvent};
use redress::clock::Clock;
use redress::store::DbConnection;

use crate::helpers::*;

/// Runs `work` on `conn`; returns the SQL of every statement it ran, and
/// of every statement it prepared for keeps, in order.
pub fn recorded(conn: &mut DbConnection, work: impl FnOnce(&mut DbConnection)) -> (Vec<String>, Vec<String>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| match event {
        InstrumentationEvent::StartQuery { query, .. } => sink.lock().unwrap().push((true, query.to_string())),
        InstrumentationEvent::CacheQuery { sql, .. } => sink.lock().unwrap().push((false, sql.to_owned())),
        _ => {}
    });
    work(conn);
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    let sql = |line: &String| line.split(" -- binds:").next().unwrap_or("").to_owned();
    let events = events.lock().unwrap();
    let of = |ran: bool| events.iter().filter(|(r, _)| *r == ran).map(|(_, q)| sql(q)).collect();
    (of(true), of(false))
}

/// Filing a complaint prepares each of its statements once per connection
/// and reuses it after (SQLite's parser was a tenth of the writer's time
/// when some were prepared afresh for every complaint).
#[test]
fn intake_reuses_its_prepared_statements() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // PostgreSQL prepares on the server and takes the next id from its
        // sequence by a literal SQL call; SQLite's parser is what this guards.
        return;
    }
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let mut conn = app.pool.get().unwrap();
    let (runs, prepared) = recorded(&mut conn, |conn| {
        for n in 0..=3 {
            ComplaintBuilder::new(m).order_ref(&format!("DY{n}")).insert(conn, &app.config, app.clock.now());
        }
    });
    // Statements that read or write rows; the transaction's own (BEGIN,
    // COMMIT) and the writer gate's one look-up a transaction are not per
    // complaint.
    let per_complaint: Vec<String> = runs
        .into_iter()
        .filter(|q| ["SELECT", "INSERT", "UPDATE", "DELETE"].iter().any(|verb| q.starts_with(verb)))
        .filter(|q| !q.contains("pragma_database_list"))
        .collect();
    let never_cached: Vec<&String> = per_complaint.iter().filter(|q| !prepared.contains(q)).collect();
    assert!(never_cached.is_empty(), "prepared afresh for every complaint:\n{never_cached:#?}");
    for q in &prepared {
        assert_eq!(prepared.iter().filter(|p| *p == q).count(), 1, "prepared more than once: {q}");
    }
    // The risk rules are read once, then kept in memory while their
    // version row says they are current.
    let rules_read = per_complaint.iter().filter(|q| q.contains("FROM `risk_rules` ")).count();
    assert_eq!(rules_read, 1, "{per_complaint:#?}");
    // What one complaint costs: merchant, complaint (its id first), event,
    // three notices (the receipt by mail and by SMS, the merchant's alert;
    // each checked for a duplicate), the merchant's webhook endpoints (one
    // probe of their index: it has none), the merchant's flag and 30-day
    // count; and the risk rules' version, read once while it is fresh (a
    // second; the test's clock stands still).
    let version_read = per_complaint.iter().filter(|q| q.contains("FROM `risk_rules_version`")).count();
    assert_eq!(version_read, 1, "{per_complaint:#?}");
    let webhooks = per_complaint.iter().filter(|q| q.contains("FROM `webhook_endpoints`")).count();
    assert_eq!(webhooks, 4, "one look-up of the merchant's endpoints a complaint: {per_complaint:#?}");
    assert_eq!(per_complaint.len() - rules_read - version_read, 4 * 14, "{per_complaint:#?}");
}

/// A complaint naming a product and a live session costs two more look-ups
/// (the product, the session) and two for incidents, and nothing more while
/// its merchant is below the repeat-offender volume; once the merchant is flagged, one look-up of
/// its things' flags and a count for the host and for the product. Each is
/// prepared once.
#[test]
fn naming_a_product_and_a_session_costs_a_few_prepared_statements() {
    use redress::domain::live::{ProductCategory, Review};
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's parser is what this guards.
    }
    // No incident opens here (tests/incidents.rs has those): what is
    // counted is what every complaint naming them costs.
    let app = spawn_app_with(|c| c.incidents.count = 1_000);
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let (room, host) = (live::room(&app, m), live::host(&app, m, false));
    let product = live::product(&app, m, ProductCategory::General, Review::Approved);
    let session = live::session(&app, m, (room, host), &[product], app.clock.now() - chrono::Duration::days(1));
    let (product, session) = (product.to_string(), session.to_string());
    let file = |conn: &mut DbConnection, n: usize, named: bool| {
        for k in 0..n {
            let c = ComplaintBuilder::new(m).order_ref(&format!("DY{k}"));
            let c = if named { c.field("product", &product).field("live_session", &session) } else { c };
            c.insert(conn, &app.config, app.clock.now());
        }
    };
    let per_complaint = |runs: Vec<String>| -> Vec<String> {
        runs.into_iter()
            .filter(|q| ["SELECT", "INSERT", "UPDATE", "DELETE"].iter().any(|verb| q.starts_with(verb)))
            .filter(|q| !q.contains("pragma_database_list"))
            .collect()
    };
    let mut conn = app.pool.get().unwrap();
    let (runs, mut prepared) = recorded(&mut conn, |conn| file(conn, 4, true));
    let runs = per_complaint(runs);
    assert!(runs.iter().all(|q| prepared.contains(q)), "prepared afresh:\n{runs:#?}");
    // As any complaint (above; the risk rules read once), the product and
    // the session looked up, and for incidents the open ones about its
    // product, session and host and their counts in the window: one
    // statement each, however many it names.
    let rules_read = runs.iter().filter(|q| q.contains("FROM `risk_rules` ")).count();
    let version_read = runs.iter().filter(|q| q.contains("FROM `risk_rules_version`")).count();
    assert_eq!(runs.len() - rules_read - version_read, 4 * (14 + 2 + 2), "{runs:#?}");

    // Ten more: the merchant is flagged for volume (the 10th raises it).
    let (_, more) = recorded(&mut conn, |conn| file(conn, 10, false));
    prepared.extend(more);
    let (runs, more) = recorded(&mut conn, |conn| file(conn, 4, true));
    prepared.extend(more);
    let runs = per_complaint(runs);
    let afresh: Vec<&String> = runs.iter().filter(|q| prepared.iter().filter(|p| p == q).count() != 1).collect();
    assert!(afresh.is_empty(), "not prepared exactly once:\n{afresh:#?}");
    let things = runs
        .iter()
        .filter(|q| {
            q.starts_with("SELECT COUNT(*) FROM `complaints` WHERE ((`complaints`.`host_id` =")
                || q.starts_with("SELECT COUNT(*) FROM `complaints` WHERE ((`complaints`.`product_id` =")
        })
        .count();
    assert_eq!(things, 4 * 2, "a count for the host and for the product: {runs:#?}");
    // Its own 30-day count skipped (it is flagged), its things' open flags
    // looked up, and those two counts.
    assert_eq!(runs.len(), 4 * (14 + 2 + 2 - 1 + 1 + 2), "{runs:#?}");
}

/// The sweep's statements for each due complaint are prepared once: diesel
/// never caches an `UPDATE` of its own, hence `store::update`.
#[test]
fn a_sweep_reuses_its_prepared_statements() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's parser is what this guards.
    }
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    for _ in 0..4 {
        ComplaintBuilder::new(m).email("wang@example.com").file(&app);
    }
    app.clock.advance(chrono::Duration::hours(49));
    let mut conn = app.pool.get().unwrap();
    let at = redress::service::conversation::At { config: &app.config, now: app.clock.now() };
    let (runs, prepared) = recorded(&mut conn, |conn| {
        let report = redress::service::sweeper::sweep(conn, at).unwrap().unwrap();
        assert_eq!(report.response_breaches, 4);
    });
    // A statement run once for each of the four complaints is prepared
    // once, not four times.
    let per_complaint: Vec<&String> = runs.iter().filter(|q| runs.iter().filter(|r| r == q).count() >= 4).collect();
    assert!(per_complaint.iter().any(|q| q.starts_with("UPDATE `complaints`")), "{runs:#?}");
    let afresh: Vec<&&String> = per_complaint.iter().filter(|q| !prepared.contains(q)).collect();
    assert!(afresh.is_empty(), "prepared afresh for every complaint:\n{afresh:#?}");
}

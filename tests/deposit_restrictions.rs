//! What follows advance compensation: a merchant still short when its
//! top-up falls due gets one automatic restriction of live selling from
//! the sweeper (test clock), with the reason, shown as automatic and
//! lifted when a top-up meets the requirement again; concurrent payments
//! on one deposit each write once and the balance is their sum (on both
//! backends); the sweep and the scorecard read ranges of their indexes.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::store::schema::{merchant_actions, outbox};
use ureq::http::StatusCode;

use crate::deposits::{balance_on, compensate, complaint_of, record, shop_with_complaint, supervisor_id};
use crate::helpers::*;

fn queued(app: &TestApp, kind: &str) -> Vec<(String, String)> {
    let conn = &mut app.pool.get().unwrap();
    outbox::table
        .filter(outbox::kind.eq(kind))
        .order(outbox::id)
        .select((outbox::subject, outbox::body_text))
        .load(conn)
        .unwrap()
}

/// The merchant's actions: (kind, ended).
fn actions_of(app: &TestApp, merchant: i64) -> Vec<(String, bool)> {
    let conn = &mut app.pool.get().unwrap();
    merchant_actions::table
        .filter(merchant_actions::merchant_id.eq(merchant))
        .order(merchant_actions::id)
        .select((merchant_actions::kind, merchant_actions::ended_at.is_not_null()))
        .load(conn)
        .unwrap()
}

#[test]
fn an_overdue_top_up_restricts_live_selling_once_and_topping_up_lifts_it() {
    let app = spawn_app();
    let (m, complaint, reference) = shop_with_complaint(&app, &["general"]);
    let boss = app.supervisor();
    assert_eq!(record(&boss, m, &[("kind", "top_up"), ("amount", "2000"), ("note", "")]).status, StatusCode::SEE_OTHER);
    compensate(&app, m, complaint, 30_000, supervisor_id(&app)).unwrap();

    app.clock.advance(Duration::days(7) - Duration::minutes(1));
    assert_eq!(app.sweep().deposit_restrictions, 0, "not yet due");
    assert!(actions_of(&app, m).is_empty());
    app.clock.advance(Duration::minutes(2));
    let report = app.sweep();
    assert_eq!(report.deposit_restrictions, 1);
    assert!(report.to_string().contains("1 merchants restricted for a deposit left short"), "{report}");
    assert_eq!(app.sweep().deposit_restrictions, 0, "once");
    assert_eq!(actions_of(&app, m), vec![("restrict_live".to_owned(), false)]);

    let shop = app.merchant_staff(m);
    let html = shop.get("/merchant/actions").html();
    let line = html.select_first("li[data-action]").expect("the action");
    assert_eq!(line.select_attr("[data-automatic]", "data-automatic").as_deref(), Some("deposit"));
    let reason = line.select_text(".timeline__body").unwrap();
    assert!(reason.contains(&reference) && reason.contains("300.00") && reason.contains("尚差 300.00"), "{reason}");
    assert!(reason.contains("2026年11月27日"), "since when: {reason}");
    let told = queued(&app, "merchant_action");
    assert_eq!(told.len(), 1, "the merchant is told once");
    assert!(told[0].1.contains(&reference), "{}", told[0].1);
    let page = format!("/supervisor/merchants/{m}");
    assert!(boss.get(&page).html().select_first("li[data-action] [data-automatic=deposit]").is_some());
    let card = app.client().get(&format!("/merchants/{m}")).html();
    assert!(card.select_text(".alert--error").unwrap().contains("限制直播带货"), "in force, publicly");

    // A top-up that leaves it short lifts nothing; one that meets the
    // requirement lifts it, with the reason, and the merchant is told.
    assert_eq!(record(&boss, m, &[("kind", "top_up"), ("amount", "100"), ("note", "")]).status, StatusCode::SEE_OTHER);
    assert_eq!(actions_of(&app, m), vec![("restrict_live".to_owned(), false)]);
    let done = record(&boss, m, &[("kind", "adjustment"), ("amount", "200"), ("note", "补记漏登的转账")]);
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(actions_of(&app, m), vec![("restrict_live".to_owned(), true)]);
    assert_eq!(balance_on(&boss.get(&page)), 200_000);
    let lifted = queued(&app, "merchant_deposit");
    assert_eq!(lifted.len(), 2, "the compensation, then the lifting");
    assert!(lifted[1].1.contains("自动解除限制"), "{}", lifted[1].1);
    app.clock.advance(Duration::days(30));
    assert_eq!(app.sweep().deposit_restrictions, 0, "nothing due any more");

    // A new compensation left unpaid restricts again, once.
    let (second, _) = complaint_of(&app, m);
    compensate(&app, m, second, 1_000, supervisor_id(&app)).unwrap();
    app.clock.advance(Duration::days(8));
    assert_eq!(app.sweep().deposit_restrictions, 1);
    assert_eq!(app.sweep().deposit_restrictions, 0);
    let kinds = actions_of(&app, m);
    assert_eq!(kinds, vec![("restrict_live".to_owned(), true), ("restrict_live".to_owned(), false)]);
}

#[test]
fn a_merchant_that_topped_up_in_time_is_not_restricted_and_two_sweeps_restrict_once() {
    let app = spawn_app();
    let (paid, complaint, _) = shop_with_complaint(&app, &["general"]);
    let by = supervisor_id(&app);
    let boss = app.supervisor();
    compensate(&app, paid, complaint, 10_000, by).unwrap();
    let topped = record(&boss, paid, &[("kind", "top_up"), ("amount", "2100"), ("note", "")]);
    assert_eq!(topped.status, StatusCode::SEE_OTHER);

    // Two compensations of one merchant fall due together: one restriction.
    let late = MerchantBuilder::new("广州美颜堂化妆品有限公司").categories(&["general"]).build(&app);
    for _ in 0..2 {
        let (c, _) = complaint_of(&app, late);
        compensate(&app, late, c, 5_000, by).unwrap();
    }
    app.clock.advance(Duration::days(8));
    let (config, now) = (&app.config, app.clock.now());
    let taken: usize = std::thread::scope(|scope| {
        let barrier = Arc::new(Barrier::new(2));
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let (barrier, pool) = (barrier.clone(), app.pool.clone());
                scope.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    // Each as a second instance would: its own part of the sweep.
                    redress::service::deposits::sweep(&mut conn, config, now).unwrap()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).sum()
    });
    assert_eq!(taken, 1, "one restriction, whichever sweep took it");
    assert!(actions_of(&app, paid).is_empty(), "topped up in time");
    assert_eq!(actions_of(&app, late), vec![("restrict_live".to_owned(), false)]);
    assert_eq!(app.sweep().deposit_restrictions, 0);
}

/// Two rulings at once on one deposit, for two complaints and for the
/// same one: each entry written once, one complaint paid once, the
/// balance the sum.
#[test]
fn concurrent_compensations_each_write_once_and_the_balance_is_their_sum() {
    let app = spawn_app();
    let (m, first, _) = shop_with_complaint(&app, &["general"]);
    let (second, _) = complaint_of(&app, m);
    let by = supervisor_id(&app);
    let (pool, config, now) = (&app.pool, &app.config, app.clock.now());
    let at_once = |pairs: [(i64, i64); 2]| -> Vec<diesel::QueryResult<i64>> {
        let barrier = Arc::new(Barrier::new(2));
        std::thread::scope(|scope| {
            let runs: Vec<_> = pairs
                .into_iter()
                .map(|(complaint, fen)| {
                    let barrier = barrier.clone();
                    scope.spawn(move || {
                        let mut conn = pool.get().unwrap();
                        barrier.wait();
                        conn.write(|c| redress::service::deposits::compensate(c, config, m, complaint, fen, by, now))
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        })
    };
    let both = at_once([(first, 12_345), (second, 54_321)]);
    assert!(both.iter().all(|r| r.is_ok()), "{both:?}");
    let balance = |app: &TestApp| redress::service::deposits::balance(&mut app.pool.get().unwrap(), m).unwrap();
    assert_eq!(balance(&app), -(12_345 + 54_321));

    let (third, _) = complaint_of(&app, m);
    let same = at_once([(third, 1_000), (third, 1_000)]);
    let paid = same.iter().filter(|r| r.is_ok()).count();
    assert_eq!(paid, 1, "{same:?}");
    let refused = same.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(
        matches!(refused, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)),
        "{refused:?}"
    );
    assert_eq!(balance(&app), -(12_345 + 54_321 + 1_000));
    let boss = app.supervisor();
    let page = boss.get(&format!("/supervisor/merchants/{m}"));
    assert_eq!(balance_on(&page), -(12_345 + 54_321 + 1_000));
    assert_eq!(page.html().select_all("tr[data-deposit-entry=compensation]").len(), 3);
    assert_eq!(queued(&app, "merchant_deposit").len(), 3, "the merchant told of each payment once");
}

/// The scorecard's deposit is one range of `deposit_entries_merchant`
/// read without the table, and the sweep reads only the compensations
/// that fell due (`deposit_entries_top_up_due`).
#[test]
fn the_scorecard_and_the_sweep_read_ranges_of_their_indexes() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's plans; the PostgreSQL run checks the behaviour.
    }
    let app = spawn_app();
    let (m, complaint, _) = shop_with_complaint(&app, &["general"]);
    compensate(&app, m, complaint, 100, supervisor_id(&app)).unwrap();
    let now = app.clock.now() + Duration::days(8);
    let mut conn = app.pool.get().unwrap();
    let queries = crate::plans::captured(&mut conn, |conn| {
        redress::service::scorecard::scorecard(conn, m, now).unwrap().unwrap();
        assert_eq!(redress::service::deposits::sweep(conn, &app.config, now).unwrap(), 1);
    });
    let (bad, used) = crate::plans::ranges_of(&mut conn, &queries, &["deposit_entries", "deposit_requirements"]);
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));
    assert!(used.contains("COVERING INDEX deposit_entries_merchant"), "{used}");
    assert!(used.contains("INDEX deposit_entries_top_up_due"), "{used}");
}

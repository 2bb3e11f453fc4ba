//! A flag raised by complaint volume alone (anyone can file complaints,
//! from any number of addresses) is for supervisors until one confirms
//! it; breaches and upheld rulings are shown publicly at once.

use chrono::Duration;
use ureq::http::StatusCode;

use crate::helpers::*;

#[test]
fn ten_complaints_flag_a_merchant_for_supervisors_only_until_one_confirms() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let boss = app.supervisor();
    for _ in 0..12 {
        ComplaintBuilder::new(m).file(&app);
    }
    let flags = boss.get("/supervisor/flags").body;
    assert!(flags.contains("深圳极光数码科技有限公司"), "supervisors see the flag");
    assert!(flags.contains("<li class=\"flag-reason\">30 天内收到 10 件投诉</li>"), "with its reason: {flags}");
    assert!(flags.contains("data-public=\"false\""), "and that the public does not see it yet");
    let mailed: i64 = {
        use diesel::prelude::*;
        use redress::store::schema::outbox;
        outbox::table
            .filter(outbox::kind.eq("supervisor_flag"))
            .count()
            .get_result(&mut app.pool.get().unwrap())
            .unwrap()
    };
    assert!(mailed >= 1, "the supervisors are told, to review it");
    assert_eq!(app.supervision(m), "none", "the public scorecard waits for a supervisor");
    let admin = boss.get(&format!("/supervisor/merchants/{m}")).body;
    assert!(admin.contains("data-supervision=\"flagged\"") && admin.contains("data-public=\"false\""), "{admin}");
    // Still hidden after the sweeper re-counts it.
    app.clock.advance(Duration::seconds(30));
    app.sweep();
    assert_eq!(app.supervision(m), "none");

    let flag = parse(&flags).select_attr("[data-flag]", "data-flag").unwrap();
    let confirmed = boss.submit("/supervisor/flags", &format!("/supervisor/flags/{flag}"), &[("decision", "confirm")]);
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.supervision(m), "supervised", "public once confirmed");
    let audited: Vec<(String, String, String)> = {
        use diesel::prelude::*;
        use redress::store::schema::staff_audit as a;
        a::table
            .filter(a::kind.eq("flag_decided"))
            .select((a::actor, a::subject, a::detail))
            .load(&mut app.pool.get().unwrap())
            .unwrap()
    };
    assert_eq!(audited.len(), 1, "the decision is in the staff audit log: {audited:?}");
    assert!(audited[0].0.contains('@') && audited[0].1 == format!("merchant {m} flag {flag}"), "{audited:?}");
    assert_eq!(audited[0].2, "confirm");
    assert!(!boss.get("/supervisor/flags").body.contains("data-public=\"false\""));
}

#[test]
fn a_breach_makes_a_volume_flag_public_at_once() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    for _ in 0..10 {
        ComplaintBuilder::new(m).file(&app);
    }
    assert_eq!(app.supervision(m), "none");
    // Unanswered for 48 hours: ten breached deadlines, the merchant's own record.
    app.clock.advance(Duration::hours(49));
    app.sweep();
    assert_eq!(app.supervision(m), "flagged", "breaches count publicly as they always did");
    let flags = app.supervisor().get("/supervisor/flags").body;
    assert!(flags.contains("30 天内 10 次超时"), "{flags}");
    assert!(!flags.contains("data-public=\"false\""));
}

#[test]
fn dismissing_a_volume_flag_leaves_the_scorecard_as_it_was() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    for _ in 0..10 {
        ComplaintBuilder::new(m).file(&app);
    }
    let boss = app.supervisor();
    let flag = boss.get("/supervisor/flags").html().select_attr("[data-flag]", "data-flag").unwrap();
    let dismissed = boss.submit(
        "/supervisor/flags",
        &format!("/supervisor/flags/{flag}"),
        &[("decision", "dismiss"), ("note", "同一地址段轮换提交，疑似刷单。")],
    );
    assert_eq!(dismissed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.supervision(m), "none");
    assert!(!boss.get("/supervisor/flags").body.contains("深圳极光数码科技有限公司"));
}

#[test]
fn the_upgrade_hides_the_volume_flags_already_public() {
    use redress::domain::offender::{Reason, ReasonKind};
    use redress::store::{flags, merchants};
    let app = spawn_app();
    let volume = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let breached = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let conn = &mut app.pool.get().unwrap();
    let now = start_time();
    let line = |kind, n| Reason { kind, count: n, references: vec![] }.to_line();
    flags::raise(conn, volume, &line(ReasonKind::Complaints, 29), now).unwrap();
    let both = format!("{}\n{}", line(ReasonKind::Complaints, 12), line(ReasonKind::Breaches, 3));
    flags::raise(conn, breached, &both, now).unwrap();
    // As the previous release left them: every pending flag public.
    for m in [volume, breached] {
        merchants::set_supervision(conn, m, "flagged").unwrap();
    }
    let up = include_str!("../migrations/sqlite/2026-12-01-000004_flag_confirmation/up.sql");
    assert_eq!(up, include_str!("../migrations/postgres/2026-12-01-000004_flag_confirmation/up.sql"));
    diesel::RunQueryDsl::execute(diesel::sql_query(up), conn).unwrap();
    assert_eq!(app.supervision(volume), "none", "volume alone waits for a supervisor");
    assert_eq!(app.supervision(breached), "flagged", "a breach stays public");
}

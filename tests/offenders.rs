//! Repeat offenders: each threshold trips the flag with its reasons, one
//! below does not; the window slides; confirm, dismiss, auto-clear.

use chrono::Duration;
use redress::clock::Clock;
use ureq::http::StatusCode;

use crate::helpers::*;

/// The reasons shown for the merchant's flag.
fn reasons(boss: &Client) -> Vec<String> {
    boss.get("/supervisor/flags").html().select_texts("li.flag-reason")
}

#[test]
fn three_breaches_in_30_days_flag_a_merchant_two_do_not() {
    let app = spawn_app();
    let two = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let three = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    for _ in 0..2 {
        ComplaintBuilder::new(two).file(&app);
    }
    for _ in 0..3 {
        ComplaintBuilder::new(three).file(&app);
    }
    app.clock.advance(Duration::hours(49));
    app.sweep();
    assert_eq!(app.supervision(two), "none", "two breaches are below the threshold");
    assert_eq!(app.supervision(three), "flagged");
    let boss = app.supervisor();
    assert_eq!(
        reasons(&boss),
        ["30 天内 3 次超时：TS20261120000003, TS20261120000004, TS20261120000005"],
        "in words and numbers"
    );
}

#[test]
fn ten_complaints_in_30_days_flag_a_merchant_nine_do_not() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    for _ in 0..9 {
        ComplaintBuilder::new(m).file(&app);
    }
    assert_eq!(app.supervision(m), "none");
    ComplaintBuilder::new(m).file(&app);
    // Flagged by the tenth, as it is filed: for supervisors only until one
    // confirms it (tests/volume_flags.rs).
    assert_eq!(app.supervision(m), "none");
    assert_eq!(reasons(&app.supervisor()), ["30 天内收到 10 件投诉"]);
}

#[test]
fn a_flagged_merchants_reasons_are_brought_up_to_date_by_the_sweeper() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    for _ in 0..10 {
        ComplaintBuilder::new(m).file(&app);
    }
    let boss = app.supervisor();
    assert_eq!(reasons(&boss), ["30 天内收到 10 件投诉"]);
    // More complaints against a merchant already flagged: filing them does
    // not re-count (that would read all its recent complaints each time)…
    for _ in 0..2 {
        ComplaintBuilder::new(m).file(&app);
    }
    assert_eq!(reasons(&boss), ["30 天内收到 10 件投诉"]);
    // …the sweeper's next round does, and still one flag.
    app.clock.advance(Duration::seconds(30));
    app.sweep();
    assert_eq!(reasons(&boss), ["30 天内收到 12 件投诉"]);
    assert_eq!(boss.get("/supervisor/flags").body.matches("深圳极光数码科技有限公司").count(), 1);
}

#[test]
fn the_sweeper_recounts_a_flag_only_after_something_happened_to_its_merchant() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    for _ in 0..10 {
        ComplaintBuilder::new(m).file(&app);
    }
    let recount = |app: &TestApp| {
        let since = app.clock.now() - Duration::days(30);
        redress::store::flags::to_recount(&mut app.pool.get().unwrap(), since).unwrap()
    };
    // Raised since it was last counted: counted by the next sweep…
    app.clock.advance(Duration::seconds(30));
    assert_eq!(recount(&app).len(), 1);
    app.sweep();
    // …and then left alone while nothing happens (every flag used to be
    // re-counted, in a transaction each, on every sweep).
    app.clock.advance(Duration::seconds(30));
    assert!(recount(&app).is_empty());
    app.sweep();
    assert!(recount(&app).is_empty());
    // A new complaint makes it worth counting again.
    ComplaintBuilder::new(m).file(&app);
    app.clock.advance(Duration::seconds(30));
    assert_eq!(recount(&app).iter().map(|f| f.merchant_id).collect::<Vec<_>>(), [m]);
    app.sweep();
    assert!(recount(&app).is_empty());
    // (A flag quiet for a whole window is counted and cleared: the window
    // test below.)
}

#[test]
fn two_upheld_fraud_complaints_flag_a_merchant() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    for category in ["false_advertising", "price_fraud", "delivery"] {
        ComplaintBuilder::new(m).category(category).file(&app);
    }
    app.clock.advance(Duration::hours(49));
    app.sweep(); // three breaches: flagged for those; dismiss it to watch the rulings alone
    let boss = app.supervisor();
    let flag = boss.get("/supervisor/flags").html().select_attr("[data-flag]", "data-flag").unwrap();
    let nothing = boss.submit("/supervisor/flags", &format!("/supervisor/flags/{flag}"), &[("decision", "dismiss")]);
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY, "a dismissal needs a note");
    boss.submit(
        "/supervisor/flags",
        &format!("/supervisor/flags/{flag}"),
        &[("decision", "dismiss"), ("note", "系统故障导致超时，已核实。")],
    );
    assert_eq!(app.supervision(m), "none");

    let rule = |reference: &str, outcome: &str| {
        let page = format!("/supervisor/complaints/{reference}");
        boss.submit(&page, &format!("{page}/rule"), &[("outcome", outcome), ("body", "经核实，投诉成立。")])
    };
    rule("TS20261120000003", "upheld"); // delivery: does not count
    rule("TS20261120000001", "upheld");
    assert_eq!(app.supervision(m), "none", "one upheld fraud complaint is below the threshold");
    rule("TS20261120000002", "partly_upheld");
    assert_eq!(app.supervision(m), "flagged");
    assert!(
        reasons(&boss)
            .contains(&"30 天内 2 件虚假宣传或价格欺诈投诉被认定成立：TS20261120000001, TS20261120000002".to_owned())
    );
}

#[test]
fn the_window_slides_and_a_quiet_merchant_drops_off_unless_a_case_is_open() {
    let app = spawn_app();
    let quiet = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let watched = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    for m in [quiet, watched] {
        for _ in 0..3 {
            ComplaintBuilder::new(m).file(&app);
        }
    }
    app.clock.advance(Duration::hours(49));
    app.sweep();
    assert_eq!((app.supervision(quiet), app.supervision(watched)), ("flagged".into(), "flagged".into()));
    let boss = app.supervisor();
    let flags = boss.get("/supervisor/flags").html();
    let watched_link = format!("a[href=\"/supervisor/merchants/{watched}\"]");
    let row = flags.select_all("li[data-flag]").into_iter().find(|row| row.select_first(&watched_link).is_some());
    let watched_flag = row.expect("the watched merchant's flag").attr("data-flag").unwrap().to_owned();
    let confirmed =
        boss.submit("/supervisor/flags", &format!("/supervisor/flags/{watched_flag}"), &[("decision", "confirm")]);
    assert_eq!(confirmed.location.as_deref(), Some("/supervisor/flags?done=confirm"));
    assert_eq!(app.supervision(watched), "supervised");

    // The breaches (due at 48 h) are still inside the window at 29 days…
    app.clock.advance(Duration::days(29));
    app.sweep();
    assert_eq!(app.supervision(quiet), "flagged");
    // …out of it two days later, but the merchant must stay quiet a whole window.
    app.clock.advance(Duration::days(2));
    assert_eq!(app.sweep().flags_cleared, 0);
    assert_eq!(app.supervision(quiet), "flagged");
    app.clock.advance(Duration::days(30));
    assert_eq!(app.sweep().flags_cleared, 1);
    assert_eq!(app.supervision(quiet), "none", "dropped off by itself");
    assert_eq!(app.supervision(watched), "supervised", "an open case stays");

    let html = boss.get("/supervisor/flags").body;
    assert!(!html.contains("上海暖阳服饰") && html.contains("杭州星河优选"));
    let closed = boss.submit(
        "/supervisor/flags",
        &format!("/supervisor/flags/{watched_flag}"),
        &[("decision", "close"), ("note", "整改完成。")],
    );
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.supervision(watched), "none");
}

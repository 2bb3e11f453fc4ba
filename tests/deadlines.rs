//! The deadline sweeper, with a test clock: breaches recorded once with
//! their due time, one escalation, the 72-hour rule, two sweeps at once,
//! and the consumer asking the platform.

use chrono::Duration;
use redress::domain::event::Viewer;
use redress::store::complaints::{self, Complaint};
use redress::store::from_db;
use ureq::http::StatusCode;

use crate::helpers::*;

fn complaint(app: &TestApp, tracking: &Filed) -> Complaint {
    complaints::find_by_token(&mut app.pool.get().unwrap(), tracking.token()).unwrap().unwrap().0
}

/// The kinds of the complaint's timeline entries, in order.
fn kinds(app: &TestApp, c: &Complaint) -> Vec<String> {
    complaints::timeline(&mut app.pool.get().unwrap(), c.id, Viewer::Supervisor)
        .unwrap()
        .into_iter()
        .map(|(e, _)| e.kind)
        .collect()
}

#[test]
fn an_unanswered_complaint_is_breached_and_escalated_exactly_once_at_48_hours() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);

    app.clock.advance(Duration::hours(48));
    assert!(app.sweep().is_empty(), "at 48 h exactly it is not late yet");
    app.clock.advance(Duration::minutes(1));
    let report = app.sweep();
    assert_eq!((report.response_breaches, report.escalations), (1, 1), "{report}");
    assert!(app.sweep().is_empty(), "a second sweep records nothing");
    app.clock.advance(Duration::hours(3));
    assert!(app.sweep().is_empty(), "nor a later one");

    let c = complaint(&app, &tracking);
    assert_eq!(c.state, "escalated");
    assert_eq!(c.response_breached_at, Some(c.response_due_at), "recorded with the due time");
    assert_eq!(c.escalation_reason.as_deref(), Some("response_breach"));
    assert_eq!(kinds(&app, &c), ["submitted", "response_breach", "escalated"]);
    let page = app.get(&tracking).body;
    assert!(page.contains("data-status=\"escalated\""));
    assert!(page.contains("商家未在 48 小时内回应"));
}

#[test]
fn answered_at_47_hours_59_minutes_is_not_breached() {
    let app = spawn_app();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    app.clock.advance(Duration::hours(47) + Duration::minutes(59));
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(page, &format!("{page}/reply"), &[("body", "您好，已收到。")]);
    app.clock.advance(Duration::hours(30));
    assert!(app.sweep().is_empty());
    let c = complaint(&app, &tracking);
    assert_eq!((c.state.as_str(), c.response_breached_at), ("responded", None));
}

#[test]
fn the_seven_day_breach_is_recorded_and_escalates() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(page, &format!("{page}/reply"), &[("body", "您好，已收到。")]);
    app.clock.advance(Duration::days(7) + Duration::seconds(1));
    let report = app.sweep();
    assert_eq!((report.resolution_breaches, report.escalations), (1, 1), "{report}");
    let c = complaint(&app, &tracking);
    assert_eq!(c.resolution_breached_at, Some(c.resolution_due_at));
    assert_eq!(c.escalation_reason.as_deref(), Some("resolution_breach"));
    assert!(app.get(&tracking).body.contains("data-deadline=\"resolution\" data-overdue=\"true\""));
}

#[test]
fn a_proposal_left_unanswered_for_72_hours_after_its_notice_arrived_is_accepted() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(
        page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "89.90"), ("body", "全额退款。")],
    );
    // The mail goes out two hours late (the server was down): the 72
    // hours start when it is delivered, not when it was written.
    app.clock.advance(Duration::hours(2));
    assert!(app.dispatch().sent >= 1);
    app.clock.advance(Duration::hours(72));
    assert!(app.sweep().is_empty());
    app.clock.advance(Duration::minutes(1));
    assert_eq!(app.sweep().accepted_by_silence, 1);
    let c = complaint(&app, &tracking);
    assert_eq!(c.state, "resolved");
    assert_eq!(
        c.resolved_at.map(|at| at - c.submitted_at),
        Some(Duration::hours(74)),
        "accepted when the silence after delivery ran out"
    );
    let page = app.get(&tracking).body;
    assert!(page.contains("72 小时未答复，视为接受解决方案"));
    assert!(page.contains("data-deadline=\"resolution\" data-met=\"true\""));
}

#[test]
fn after_downtime_breaches_keep_their_true_times_and_escalate_once() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    app.clock.advance(Duration::days(10)); // the server was down all along
    let report = app.sweep();
    assert_eq!((report.response_breaches, report.resolution_breaches, report.escalations), (1, 1, 1), "{report}");
    let c = complaint(&app, &tracking);
    assert_eq!(kinds(&app, &c), ["submitted", "response_breach", "escalated", "resolution_breach"]);
    assert_eq!(c.escalated_at, Some(c.response_due_at), "escalated when it should have been");
    assert_eq!(c.resolution_breached_at, Some(c.resolution_due_at));
}

#[test]
fn two_sweeps_at_once_record_each_breach_once() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let mut conn = app.pool.get().unwrap();
    let now = redress::clock::Clock::now(&app.clock);
    for i in 0..40 {
        let complaint = ComplaintBuilder::new(m).order_ref(&format!("DY{i:010}")).category("delivery");
        complaint.amount("").email("").insert(&mut conn, &app.config, now);
    }
    drop(conn);
    app.clock.advance(Duration::hours(49));
    // Each as a server's job runs it; on PostgreSQL one of them may find
    // the other sweeping and skip its turn.
    let sweep = || {
        let at =
            redress::service::conversation::At { config: &app.config, now: redress::clock::Clock::now(&app.clock) };
        redress::service::sweeper::sweep(&mut app.pool.get().unwrap(), at).unwrap()
    };
    let reports: Vec<redress::service::sweeper::SweepReport> = std::thread::scope(|s| {
        let a = s.spawn(sweep);
        let b = s.spawn(sweep);
        [a.join().unwrap(), b.join().unwrap()].into_iter().flatten().collect()
    });
    let breaches: usize = reports.iter().map(|r| r.response_breaches).sum();
    let escalations: usize = reports.iter().map(|r| r.escalations).sum();
    assert_eq!((breaches, escalations), (40, 40), "{reports:?}");
    let mut conn = app.pool.get().unwrap();
    for id in 1..=40 {
        let events = complaints::timeline(&mut conn, id, Viewer::Supervisor).unwrap();
        assert_eq!(events.iter().filter(|(e, _)| e.kind == "response_breach").count(), 1, "complaint {id}");
        assert_eq!(events.iter().filter(|(e, _)| e.kind == "escalated").count(), 1, "complaint {id}");
    }
}

#[test]
fn the_consumer_asks_the_platform_after_rejecting_a_proposal() {
    let app = spawn_app();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let early = app.submit(&tracking, &format!("{tracking}/intervene"), &[("reason", "商家态度很差")]);
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "not before the merchant had its chance");
    assert!(early.body.contains("现在还不能申请平台介入"));
    assert!(!app.get(&tracking).body.contains("/intervene\""), "and not offered");

    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(
        page,
        &format!("{page}/propose"),
        &[("resolution", "compensation"), ("amount", "10"), ("body", "补偿 10 元优惠券。")],
    );
    app.submit(&tracking, &format!("{tracking}/reject"), &[]);
    assert!(app.get(&tracking).body.contains("/intervene\""), "offered after a rejection");

    let blank = app.submit(&tracking, &format!("{tracking}/intervene"), &[("reason", "")]);
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&blank.body, "reason").as_deref(), Some("这一项必须填写。"));
    let asked = app.submit(
        &tracking,
        &format!("{tracking}/intervene"),
        &[("reason", "只给优惠券不退款，明显是虚假宣传后的敷衍。")],
    );
    assert_eq!(asked.location, Some(format!("{tracking}?done=escalated")));
    let c = complaint(&app, &tracking);
    assert_eq!((c.state.as_str(), c.escalation_reason.as_deref()), ("escalated", Some("consumer_request")));
    let page = app.get(&tracking).body;
    assert!(page.contains("只给优惠券不退款"), "the reason is on the timeline");
    assert!(c.escalated_at.map(from_db).is_some());
}

#[test]
fn the_consumer_may_ask_once_the_merchant_let_48_hours_pass() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).overdue().file(&app);
    // No sweep has run: the page still knows, and the complaint is already
    // with the platform because of the breach.
    let page = app.get(&tracking).body;
    assert!(page.contains("data-deadline=\"response\" data-overdue=\"true\""));
    assert!(page.contains("data-status=\"escalated\""), "shown as it stands, before any sweep");
    let asked = app.submit(&tracking, &format!("{tracking}/intervene"), &[("reason", "两天了没人理。")]);
    assert_eq!(asked.status, StatusCode::UNPROCESSABLE_ENTITY, "already escalated by the breach: {}", asked.body);
    let c = complaint(&app, &tracking);
    assert_eq!(c.escalation_reason.as_deref(), Some("response_breach"), "the breach was caught up on the way");
}

//! The silence rule, made fair (DESIGN.md, "Reaching the consumer"): 72
//! hours without an answer count as accepting a proposal only once the
//! consumer was reached with it — its notice delivered, or the tracking
//! page seen — and from then; never from a notice nobody received.

use chrono::{DateTime, Duration, Utc};
use redress::clock::Clock;
use redress::domain::contact::Reach;
use redress::i18n::Lang;
use redress::store::complaints::{self, Complaint};
use redress::store::{from_db, outbox};

use crate::helpers::*;

const PAGE: &str = "/merchant/complaints/TS20261120000001";

fn complaint(app: &TestApp, tracking: &Filed) -> Complaint {
    complaints::find_by_token(&mut app.pool.get().unwrap(), tracking.token()).unwrap().unwrap().0
}

/// The merchant proposes a refund, as its staff do on the portal.
fn propose(app: &TestApp, merchant: i64) {
    let staff = app.merchant_staff(merchant);
    let res = staff.submit(
        PAGE,
        &format!("{PAGE}/propose"),
        &[("resolution", "refund"), ("amount", "89.90"), ("body", "全额退款，今天到账。")],
    );
    assert_eq!(res.status, ureq::http::StatusCode::SEE_OTHER, "{}", res.body);
}

fn kinds(app: &TestApp, c: &Complaint) -> Vec<String> {
    outbox::for_complaint(&mut app.pool.get().unwrap(), c.id).unwrap().into_iter().map(|(kind, _)| kind).collect()
}

fn reached(c: &Complaint) -> Option<(DateTime<Utc>, Reach)> {
    c.proposal_reached_at.map(from_db).zip(c.proposal_reached_by)
}

#[test]
fn a_proposal_that_reached_nobody_is_never_accepted_for_the_consumer() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    // A phone number only; the notices are queued but none goes out (the
    // provider is down), and the consumer never opens the page.
    let tracking = ComplaintBuilder::new(m).email("").file(&app);
    propose(&app, m);
    app.clock.advance(Duration::days(10));
    let report = app.sweep();
    assert_eq!((report.accepted_by_silence, report.resolution_breaches), (0, 1), "{report:?}");
    let c = complaint(&app, &tracking);
    assert_eq!((c.state.slug(), c.resolved_at, reached(&c)), ("escalated", None, None));
    assert_eq!(c.escalation_reason.as_deref(), Some("resolution_breach"), "it escalates as any unresolved one");
    assert_eq!(c.resolution_breached_at.map(|at| at - c.submitted_at), Some(Duration::days(7)));
}

#[test]
fn silence_counts_from_the_delivered_notice_which_says_the_exact_answer_by_time() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    app.dispatch();
    propose(&app, m);
    // Written now, delivered three hours later (the mail server was away).
    app.clock.advance(Duration::hours(3));
    let delivered_at = app.clock.now();
    assert!(app.dispatch().sent >= 1);
    let c = complaint(&app, &tracking);
    assert_eq!(reached(&c), Some((delivered_at, Reach::Mail)));

    let answer_by = delivered_at + Duration::hours(72);
    let expected = Lang::ZhCn.tr().time(app.config.tz, answer_by);
    let dir = app.config.data_dir.join("outbox");
    let proposal = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("consumer_proposal") && p.extension().is_some_and(|e| e == "eml"))
        .expect("the proposal's mail");
    let raw = std::fs::read(&proposal).unwrap();
    let mail = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let text = mail.body_text(0).unwrap();
    assert!(text.contains(&format!("请您在 {expected} 前")), "the exact answer-by time: {text}");
    assert!(!text.contains('\u{27e6}'), "no marker left: {text}");

    app.sweep();
    app.clock.advance(Duration::hours(72));
    assert_eq!(app.sweep().accepted_by_silence, 0, "72 hours exactly is not yet");
    app.clock.advance(Duration::minutes(1));
    assert_eq!(app.sweep().accepted_by_silence, 1);
    let c = complaint(&app, &tracking);
    assert_eq!(c.resolved_at.map(from_db), Some(answer_by));
    let page = app.get(&tracking).body;
    let why = Lang::ZhCn.tr().time(app.config.tz, delivered_at);
    assert!(
        page.contains(&format!("方案于 {why} 邮件送达，此后 72 小时内未答复，按规则视为接受。")),
        "the timeline says why: {page}"
    );
}

#[test]
fn seeing_the_proposal_starts_the_clock_and_a_reminder_comes_a_day_before() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    propose(&app, m);
    app.sweep();
    app.clock.advance(Duration::hours(5));
    let seen_at = app.clock.now();
    assert_eq!(app.get(&tracking).status, ureq::http::StatusCode::OK);
    app.clock.advance(Duration::minutes(30));
    app.get(&tracking);
    assert_eq!(reached(&complaint(&app, &tracking)), Some((seen_at, Reach::View)), "the first view, once");
    // The proposal's mail, delivered after the view, changes nothing.
    app.dispatch();
    assert_eq!(reached(&complaint(&app, &tracking)), Some((seen_at, Reach::View)));

    let c = complaint(&app, &tracking);
    app.clock.advance(Duration::hours(48) - Duration::minutes(31));
    app.sweep();
    assert!(!kinds(&app, &c).contains(&"consumer_answer_reminder".to_owned()), "not more than a day ahead");
    app.clock.advance(Duration::minutes(2));
    app.sweep();
    app.sweep();
    let reminders = kinds(&app, &c).into_iter().filter(|k| k == "consumer_answer_reminder").count();
    assert_eq!(reminders, 1, "one reminder, a day ahead");

    app.clock.advance(Duration::hours(24));
    assert_eq!(app.sweep().accepted_by_silence, 1);
    let c = complaint(&app, &tracking);
    assert_eq!(c.resolved_at.map(from_db), Some(seen_at + Duration::hours(72)));
    assert!(app.get(&tracking).body.contains("在跟进页面查看，此后 72 小时内未答复"));
}

//! Machine discovery: every complaint scored against the risk rules at
//! intake; one that reaches the threshold is at the top of the supervisors'
//! queue at once (`data-risk="high"`, its rules and words marked), not after
//! a breach; the rules are edited at /supervisor/rules, on the audit log; a
//! flag is dismissed with a reason; the merchant's clock never changes.

mod rules;

use chrono::Duration;
use diesel::prelude::*;
use redress::store::schema::complaints;
use ureq::http::StatusCode;

use crate::helpers::*;

/// Health claims (40) and an older consumer (20): over the default 50.
const HEALTH: &str = "主播说这款保健品能治愈高血压，我给父母买了三盒，吃完一点用都没有。";

/// The queue's rows: (reference, flagged high-risk), in order.
pub fn queue_rows(html: &str) -> Vec<(String, bool)> {
    parse(html)
        .select_all("li.complaint-row")
        .into_iter()
        .map(|row| {
            let reference = row.select_text("a.reference").unwrap_or_default();
            (reference, row.attr("data-risk") == Some("high"))
        })
        .collect()
}

/// The marked words of the queue's row for `reference`, and its labels.
fn marked(html: &str, reference: &str) -> (Vec<String>, Vec<String>) {
    let page = parse(html);
    let row = page
        .select_all("li.complaint-row[data-risk=high]")
        .into_iter()
        .find(|row| row.select_text("a.reference").as_deref() == Some(reference))
        .unwrap_or_else(|| panic!("{reference} is not flagged in the queue"));
    (row.select_texts("mark"), row.select_attrs("[data-risk-label]", "data-risk-label"))
}

/// The words marked in the description on the supervisor's complaint page.
fn marked_in_description(html: &str) -> Vec<String> {
    parse(html).select_texts("[data-risk-description] mark")
}

#[test]
fn a_health_claim_is_flagged_at_intake_above_older_escalations_and_an_ordinary_one_is_not() {
    let app = spawn_app();
    let m = MerchantBuilder::new("四川蜀香源食品有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    app.clock.advance(Duration::hours(49));
    app.sweep(); // the ordinary one breached its 48 hours: escalated
    ComplaintBuilder::new(m).category("health_claims").description(HEALTH).file(&app);
    ComplaintBuilder::new(m).order_ref("DY3").file(&app); // ordinary, not due yet

    let boss = app.supervisor();
    let html = boss.get("/supervisor").body;
    // Filed two days later than the first, so their references say so.
    assert_eq!(
        queue_rows(&html),
        [("TS20261122000002".to_owned(), true), ("TS20261120000001".to_owned(), false)],
        "the flagged one at once and on top; the ordinary new one not at all"
    );
    let (words, labels) = marked(&html, "TS20261122000002");
    assert_eq!(words, ["治愈", "父母"]);
    assert_eq!(labels, ["健康功效宣称", "老年消费者"]);

    let page = boss.get("/supervisor/complaints/TS20261122000002").body;
    assert_eq!(marked_in_description(&page), ["治愈", "父母"]);
    assert_eq!(parse(&page).select_attr("[data-risk-score]", "data-risk-score").as_deref(), Some("60"));
    let ordinary = boss.get("/supervisor/complaints/TS20261122000003").body;
    assert!(parse(&ordinary).select_first("[data-risk-score]").is_none(), "nothing matched, nothing shown");
}

#[test]
fn full_width_and_traditional_spellings_are_flagged_with_the_words_as_typed() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    ComplaintBuilder::new(m)
        .category("off_platform")
        .description("直播間主播讓我們加Ｖ私下轉賬，付款後就被拉黑了。")
        .file(&app);
    ComplaintBuilder::new(m)
        .category("health_claims")
        .description("主播說這藥能治癒高血壓，藥到病除，我爺爺吃了沒用。")
        .file(&app);

    let boss = app.supervisor();
    let html = boss.get("/supervisor").body;
    assert_eq!(queue_rows(&html).iter().filter(|(_, high)| *high).count(), 2, "{html}");
    assert_eq!(marked(&html, "TS20261120000001").1, ["诱导站外交易"]);
    let first = boss.get("/supervisor/complaints/TS20261120000001").body;
    assert_eq!(marked_in_description(&first), ["加Ｖ", "私下轉賬"], "marked as the consumer typed them");
    let second = boss.get("/supervisor/complaints/TS20261120000002").body;
    assert_eq!(marked_in_description(&second), ["治癒", "藥到病除", "爺爺"]);
}

#[test]
fn a_consumer_reply_that_matches_flags_the_complaint() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let boss = app.supervisor();
    assert!(queue_rows(&boss.get("/supervisor").body).is_empty());
    let plain = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", "补充：快递单号 SF1234567890。")]);
    assert_eq!(plain.status, StatusCode::SEE_OTHER);
    assert!(queue_rows(&boss.get("/supervisor").body).is_empty(), "a reply that matches nothing changes nothing");
    let lured = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", "客服让我加微信私下转账才给退款。")]);
    assert_eq!(lured.status, StatusCode::SEE_OTHER);
    let html = boss.get("/supervisor").body;
    assert_eq!(queue_rows(&html), [("TS20261120000001".to_owned(), true)]);
    assert_eq!(marked(&html, "TS20261120000001").0, ["加微信", "私下转账"]);
}

#[test]
fn a_flag_is_dismissed_with_a_reason_kept_and_the_complaint_can_be_taken() {
    let app = spawn_app();
    let m = MerchantBuilder::new("四川蜀香源食品有限公司").build(&app);
    ComplaintBuilder::new(m).category("health_claims").description(HEALTH).file(&app);
    let boss = app.supervisor();
    let page = "/supervisor/complaints/TS20261120000001";

    // Taking it works as for an escalation.
    let taken = boss.submit(page, &format!("{page}/claim"), &[]);
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let html = boss.get("/supervisor").body;
    assert_eq!(parse(&html).select_attrs("li[data-risk=high] [data-holder]", "data-holder").len(), 1);
    assert!(!parse(&html).select_attrs("li[data-risk=high] [data-holder]", "data-holder")[0].is_empty(), "held");

    let blank = boss.submit(page, &format!("{page}/dismiss"), &[("reason", "  ")]);
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&blank.body, "reason").as_deref(), Some("这一项必须填写。"));
    let short = boss.submit(page, &format!("{page}/dismiss"), &[("reason", "无")]);
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(textarea_value(&short.body, "reason").as_deref(), Some("无"), "what was typed is kept");
    assert!(queue_rows(&boss.get("/supervisor").body)[0].1, "still flagged");

    let why = "已核实：商品为普通食品，宣传语系消费者转述，不属于疾病治疗宣称。";
    let dismissed = boss.submit(page, &format!("{page}/dismiss"), &[("reason", why)]);
    assert_eq!(dismissed.status, StatusCode::SEE_OTHER, "{}", dismissed.body);
    assert!(queue_rows(&boss.get("/supervisor").body).is_empty(), "it left the high-risk part of the queue");
    let html = boss.get(page).body;
    assert_eq!(parse(&html).select_attr("[data-risk-score]", "data-risk",).as_deref(), Some("dismissed"));
    assert!(parse(&html).select_text("[data-risk-note]").unwrap().contains(why), "the reason is kept");
    assert!(parse(&html).select_first("form[action$='/dismiss']").is_none(), "nothing left to dismiss");
    let again = boss.submit(page, &format!("{page}/claim"), &[]);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "neither escalated nor flagged: nothing to take");
    let twice = boss.post(&format!("{page}/dismiss"), &[("reason", why), ("csrf_token", &csrf(&html))]);
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "already dismissed");

    let log = boss.get("/supervisor/audit").body;
    let kinds = parse(&log).select_attrs("li[data-audit-kind]", "data-audit-kind");
    assert!(kinds.iter().any(|k| k == "risk_dismissed"), "{kinds:?}");
}

#[test]
fn a_high_risk_complaints_deadlines_and_the_merchants_handling_are_unchanged() {
    let app = spawn_app();
    let m = MerchantBuilder::new("四川蜀香源食品有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    ComplaintBuilder::new(m).order_ref("TB2").category("health_claims").description(HEALTH).file(&app);
    let row = |reference: &str| {
        complaints::table
            .filter(complaints::reference.eq(reference))
            .select((
                complaints::state,
                complaints::submitted_at,
                complaints::response_due_at,
                complaints::resolution_due_at,
                complaints::next_due_at,
                complaints::risk_state,
            ))
            .first::<(
                String,
                chrono::NaiveDateTime,
                chrono::NaiveDateTime,
                chrono::NaiveDateTime,
                Option<chrono::NaiveDateTime>,
                Option<String>,
            )>(&mut app.pool.get().unwrap())
            .unwrap()
    };
    let (ordinary, flagged) = (row("TS20261120000001"), row("TS20261120000002"));
    assert_eq!(flagged.5.as_deref(), Some("high"));
    assert_eq!(ordinary.5, None);
    assert_eq!(
        (&flagged.0, flagged.1, flagged.2, flagged.3, flagged.4),
        (&ordinary.0, ordinary.1, ordinary.2, ordinary.3, ordinary.4)
    );
    assert_eq!(flagged.2 - flagged.1, Duration::hours(48));
    assert_eq!(flagged.3 - flagged.1, Duration::days(7));

    // The merchant sees and answers it as any other, without a word of the flag.
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000002";
    let seen = staff.get(page);
    assert_eq!(seen.status, StatusCode::OK);
    assert!(parse(&seen.body).select_first("[data-risk]").is_none(), "the merchant is not shown the flag");
    let reply = staff.submit(page, &format!("{page}/reply"), &[("body", "您好，我们正在核实。")]);
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // And its clock runs as before: the unanswered ordinary one breaches.
    app.clock.advance(Duration::hours(49));
    app.sweep();
    assert_eq!(row("TS20261120000001").0, "escalated");
    assert_eq!(row("TS20261120000002").0, "responded");
    assert_eq!(row("TS20261120000002").5.as_deref(), Some("high"), "the flag stays until a supervisor dismisses it");
}

/// Another instance's edit of the rules (the version bumped in the shared
/// database, not by this process) is used once this process's rules are a
/// second old; until then it scores with the rules it has.
#[test]
fn another_instances_edit_of_the_rules_applies_within_a_second() {
    use redress::store::schema::{risk_rules, risk_rules_version};
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let health = |app: &TestApp| {
        let filed = ComplaintBuilder::new(m).description(HEALTH).file(app);
        let reference = filed.reference(app);
        let conn = &mut app.pool.get().unwrap();
        let score: i32 = complaints::table
            .filter(complaints::reference.eq(&reference))
            .select(complaints::risk_score)
            .first(conn)
            .unwrap();
        score
    };
    assert_eq!(health(&app), 60, "health claims and an older consumer");
    {
        // As another instance's edit: the weight changed, the version bumped.
        let conn = &mut app.pool.get().unwrap();
        diesel::update(risk_rules::table.filter(risk_rules::label.eq("健康功效宣称")))
            .set(risk_rules::weight.eq(5))
            .execute(conn)
            .unwrap();
        diesel::update(risk_rules_version::table.find(1))
            .set(risk_rules_version::version.eq(risk_rules_version::version + 1))
            .execute(conn)
            .unwrap();
    }
    assert_eq!(health(&app), 60, "within the second, the rules this process has");
    app.clock.advance(Duration::seconds(2));
    assert_eq!(health(&app), 25, "then the edited ones");
}

//! The consumer's pages through the real server: the confirmation after
//! filing, the step bar, the proposal card with its answer-by time,
//! rejecting with a reason, and `/track` by POST.

use chrono::{Duration, SecondsFormat};
use redress::clock::Clock;
use redress::i18n::Lang;
use redress::service::notify::{self, Sms};
use redress::store::outbox::MailKind;
use redress::store::{complaints, from_db};
use ureq::http::StatusCode;

use crate::helpers::*;

const REF: &str = "TS20261120000001";
const MERCHANT_PAGE: &str = "/merchant/complaints/TS20261120000001";

/// The merchant's staff propose a refund of `amount` yuan, saying `body`.
fn propose(staff: &Client, amount: &str, body: &str) {
    let res = staff.submit(
        MERCHANT_PAGE,
        &format!("{MERCHANT_PAGE}/propose"),
        &[("resolution", "refund"), ("amount", amount), ("body", body)],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}
const PLAN: &str = "全额退款 299 元，衣服无需寄回，三个工作日内到账。";

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Files `complaint` through the form; the answer's Location, with its
/// `?done=filed`.
fn file(app: &TestApp, complaint: &ComplaintBuilder) -> String {
    let res = complaint.submit(app);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location.expect("a Location");
    assert!(location.ends_with("?done=filed"), "{location}");
    location
}

/// The receipt's text message, as filing queues it for a phone number
/// (the SMS channel's own work; queued again here it changes nothing).
fn queue_receipt_sms(app: &TestApp, token: &str) {
    let mut conn = app.pool.get().unwrap();
    let (c, _) = complaints::find_by_token(&mut conn, token).unwrap().unwrap();
    let sms = Sms {
        kind: MailKind::Receipt,
        key: format!("receipt:{}", c.id),
        complaint_id: Some(c.id),
        to: c.consumer_phone.as_deref().unwrap(),
        lang: Lang::ZhCn,
        text: "投诉已提交".into(),
    };
    notify::queue_sms(&mut conn, sms, app.clock.now()).unwrap();
}

#[test]
fn after_filing_the_page_opens_with_the_confirmation_and_the_link_sent_by_sms() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let location = file(&app, &ComplaintBuilder::new(m).email(""));
    let path = location.trim_end_matches("?done=filed");
    let token = path.trim_start_matches("/t/");
    queue_receipt_sms(&app, token);

    let page = app.get(&location);
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let first = html.select_first("main section").expect("a section");
    assert_eq!(first.attr("data-confirmation"), Some("filed"), "the confirmation comes first");
    assert_eq!(first.attr("role"), Some("status"));
    let said = html.select_text("[data-confirmation=filed]").unwrap();
    assert!(said.contains("我们已通知商家"), "{said}");
    assert_eq!(html.select_text(".confirmation__reference").as_deref(), Some(REF));
    let start = start_time();
    assert_eq!(
        html.select_attr("[data-confirmation] time[data-due=response]", "datetime"),
        Some(rfc3339(start + Duration::hours(48)))
    );
    assert_eq!(
        html.select_attr("[data-confirmation] time[data-due=resolution]", "datetime"),
        Some(rfc3339(start + Duration::days(7)))
    );
    assert!(said.contains("48 小时") && said.contains("7 天"), "{said}");
    // The link, whole, to select or copy; the button is the script's.
    let link = format!("{}/t/{token}", app.config.public_base());
    assert_eq!(html.select_attr("input#private-link[readonly]", "value"), Some(link));
    assert!(html.select_first("button[data-copy=private-link][hidden]").is_some(), "shown by the script");
    assert!(said.contains("收藏本页") && said.contains("截图"), "the advice to save it");
    let sent = html.select_texts("[data-confirmation] [data-sent]");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(html.select_attr("[data-confirmation] [data-sent]", "data-sent").as_deref(), Some("sms"));
    assert!(sent[0].contains("短信") && sent[0].contains("138****8000"), "{sent:?}");
    assert!(!said.contains("13800138000"), "the number masked");
    assert!(html.select_first(".alert").is_none(), "no second notice saying the same");

    // Later visits are plain.
    let later = app.get(path).html();
    assert!(later.select_first("[data-confirmation]").is_none());
    assert!(later.select_first(".private-link").is_some(), "the private-link card stays");
}

#[test]
fn an_e_mail_consumer_is_told_the_link_went_by_e_mail() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let location = file(&app, &ComplaintBuilder::new(m).phone(""));
    let html = app.get(&location).html();
    let sent = html.select_all("[data-confirmation] [data-sent]");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].attr("data-sent"), Some("mail"));
    let text: String = sent[0].text().collect();
    assert!(text.contains("邮件") && text.contains("w***@example.com"), "{text}");
    // Sent or still queued, it is on its way all the same.
    app.dispatch();
    let again: String = app.get(&location).html().select_text("[data-sent=mail]").unwrap();
    assert_eq!(again, text);
}

/// The step the page marks as where the complaint stands, and that it
/// marks exactly one.
fn current_step(app: &TestApp, path: &str) -> String {
    let html = app.get(path).html();
    let current = html.select_attrs("ol.steps li[aria-current=step]", "data-step");
    assert_eq!(current.len(), 1, "{current:?}");
    current[0].clone()
}

fn steps(app: &TestApp, path: &str) -> Vec<(String, String)> {
    let html = app.get(path).html();
    html.select_all("ol.steps li")
        .into_iter()
        .map(|li| (li.attr("data-step").unwrap().to_owned(), li.attr("data-mark").unwrap().to_owned()))
        .collect()
}

#[test]
fn the_step_bar_says_where_the_complaint_stands() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let tracking = ComplaintBuilder::new(m).file(&app);
    assert_eq!(current_step(&app, &tracking), "filed");
    let labels = app.get(&tracking).html().select_texts("ol.steps li");
    assert!(labels[0].starts_with("提交") && labels[3].starts_with("完成"), "{labels:?}");

    staff.submit(MERCHANT_PAGE, &format!("{MERCHANT_PAGE}/reply"), &[("body", "您好，我们在核实。")]);
    assert_eq!(current_step(&app, &tracking), "response");
    propose(&staff, "299.00", PLAN);
    assert_eq!(current_step(&app, &tracking), "proposal");
    app.submit(&tracking, &format!("{tracking}/accept"), &[]);
    assert_eq!(current_step(&app, &tracking), "done");
    let way: Vec<String> = steps(&app, &tracking).into_iter().map(|(s, _)| s).collect();
    assert_eq!(way, ["filed", "response", "proposal", "done"]);

    // Left unanswered: the platform steps in, the merchant's response missed.
    let silent = ComplaintBuilder::new(m).overdue().file(&app);
    assert_eq!(
        steps(&app, &silent),
        [("filed", "passed"), ("response", "missed"), ("platform", "current"), ("ruling", "ahead")]
            .map(|(s, m)| (s.to_owned(), m.to_owned()))
    );
    app.sweep();
    let boss = app.supervisor();
    let ruling = "/supervisor/complaints/TS20261120000002";
    let ruled = boss.submit(ruling, &format!("{ruling}/rule"), &[("outcome", "upheld"), ("body", "投诉成立。")]);
    assert_eq!(ruled.status, StatusCode::SEE_OTHER, "{}", ruled.body);
    assert_eq!(current_step(&app, &silent), "ruling");

    let withdrawn = ComplaintBuilder::new(m).file(&app);
    app.submit(&withdrawn, &format!("{withdrawn}/withdraw"), &[]);
    assert_eq!(current_step(&app, &withdrawn), "withdrawn");
    let said = app.get(&withdrawn).html().select_text("ol.steps li[aria-current=step]").unwrap();
    assert!(said.contains("已撤回"), "{said}");
}

#[test]
fn the_proposal_card_shows_the_whole_plan_and_the_answer_by_time() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let tracking = ComplaintBuilder::new(m).file(&app);
    propose(&staff, "299.00", PLAN);
    app.clock.advance(Duration::hours(5));
    let seen = app.clock.now();
    let html = app.get(&tracking).html();
    assert_eq!(html.select_text(".proposal .proposal__terms").as_deref(), Some("退款 · ¥299.00"));
    assert_eq!(html.select_text(".proposal .proposal__text").as_deref(), Some(PLAN));
    let answer_by = rfc3339(seen + Duration::hours(72));
    assert_eq!(html.select_attr(".proposal time[data-deadline=answer]", "datetime"), Some(answer_by.clone()));
    assert!(html.select_text(".proposal").unwrap().contains("到时未答复，视为您接受此方案"));

    // Seen again later, the answer-by time stays where the first view put it.
    app.clock.advance(Duration::hours(2));
    let again = app.get(&tracking).html();
    assert_eq!(again.select_attr("time[data-deadline=answer]", "datetime"), Some(answer_by));
}

#[test]
fn rejecting_asks_for_a_reason_confirms_first_and_keeps_it_on_the_timeline() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let tracking = ComplaintBuilder::new(m).file(&app);
    propose(&staff, "50", "退 50 元。");
    let html = app.get(&tracking).html();
    let form = format!("form[action='{tracking}/reject']");
    assert!(html.select_attr(&form, "data-confirm").is_some_and(|q| q.contains("拒绝")), "confirms first");
    assert!(html.select_first(&format!("{form} textarea[name=reason][required]")).is_some());

    let reject = format!("{tracking}/reject");
    let blank = app.submit(&tracking, &reject, &[("reason", "  ")]);
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&blank.body, "reject-reason").as_deref(), Some("这一项必须填写。"));
    assert_eq!(blank.html().select_attr("[data-status]", "data-status").as_deref(), Some("proposed"));

    let long = "太".repeat(2001);
    let too_long = app.submit(&tracking, &reject, &[("reason", &long)]);
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&too_long.body, "reject-reason").is_some_and(|e| e.contains("2000")));
    assert_eq!(too_long.html().select_text("textarea#reject-reason"), Some(long), "what was typed is kept");

    let reason = "只退 50 元不够，衣服是假货，要求全额退款。";
    let rejected = app.submit(&tracking, &reject, &[("reason", reason)]);
    assert_eq!(rejected.location, Some(format!("{tracking}?done=rejected")));
    let consumer = app.get(&tracking).html();
    assert_eq!(consumer.select_attr("[data-status]", "data-status").as_deref(), Some("responded"));
    assert!(consumer.select_text("#timeline").unwrap().contains(reason), "the consumer sees it");
    let merchant = staff.get(MERCHANT_PAGE).html();
    assert!(merchant.select_text("#timeline").unwrap().contains(reason), "and the merchant");
    let mut conn = app.pool.get().unwrap();
    let (c, _) = complaints::find_by_token(&mut conn, tracking.token()).unwrap().unwrap();
    let timeline = complaints::timeline(&mut conn, c.id, redress::domain::event::Viewer::Supervisor).unwrap();
    let (event, _) = timeline.iter().find(|(e, _)| e.kind == "rejected").expect("a rejection");
    assert_eq!(event.body.as_deref(), Some(reason));
    assert!(from_db(event.at) <= app.clock.now());
}

#[test]
fn track_looks_up_by_post_and_a_query_string_looks_nothing_up() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);

    let by_get = app.get_query("/track", &[("reference", REF), ("contact", "13800138000")]);
    assert_eq!(by_get.status, StatusCode::OK);
    assert_eq!(by_get.location, None);
    assert!(!by_get.body.contains("13800138000") && !by_get.body.contains(REF), "nothing echoed");
    let html = by_get.html();
    assert_eq!(html.select_attr("form[action='/track']", "method").as_deref(), Some("post"));
    assert!(html.select_first("form[action='/track'] input[name=csrf_token]").is_some());
    assert_eq!(input_value(&by_get.body, "contact").as_deref(), Some(""));

    let fields = [("reference", REF), ("contact", "13800138000")];
    let forged = app.post("/track", &fields);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(input_value(&forged.body, "reference").as_deref(), Some(REF), "kept");

    let found = app.submit("/track", "/track", &fields);
    assert_eq!(found.status, StatusCode::SEE_OTHER);
    assert_eq!(found.location.as_deref(), Some(tracking.path()));
    let missing = app.submit("/track", "/track", &[("reference", REF)]);
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&missing.body, "contact").as_deref(), Some("这一项必须填写。"));
    assert_eq!(input_value(&missing.body, "reference").as_deref(), Some(REF));
}

#[test]
fn a_rating_is_thanked_on_the_page() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let tracking = ComplaintBuilder::new(m).file(&app);
    staff.submit(MERCHANT_PAGE, &format!("{MERCHANT_PAGE}/propose"), &[("resolution", "refund"), ("body", PLAN)]);
    app.submit(&tracking, &format!("{tracking}/accept"), &[]);
    let rated = app.submit(&tracking, &format!("{tracking}/rate"), &[("score", "5")]);
    assert_eq!(rated.location, Some(format!("{tracking}?done=rated")));
    let html = app.get(&rated.location.unwrap()).html();
    assert_eq!(html.select_text(".alert[role=status]").as_deref(), Some("谢谢您的评分。"));
}

//! Filing a complaint through the API with a platform key: the same
//! complaint, notices, deadlines and risk score as the site's form, safe
//! to retry under its `Idempotency-Key`, refused as problems.

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::api_key::Scope;
use redress::store::complaints::Complaint;
use redress::store::schema::{complaint_events, complaints, outbox};
use ureq::http::StatusCode;

use crate::helpers::*;

/// What the risk rules of a fresh database match: luring off the platform.
const RISKY: &str = "主播说羽绒服是90%白鸭绒，让我加微信私下转账，收到后吊牌写的是50%灰鸭绒。";

/// The site's default complaint (`ComplaintBuilder`'s), as JSON.
fn body(merchant: i64) -> serde_json::Value {
    serde_json::json!({
        "merchant": merchant,
        "order_ref": "DY4829301756",
        "category": "false_advertising",
        "desired_resolution": "return_refund",
        "amount": "299.00",
        "description": RISKY,
        "consumer_name": "王芳",
        "consumer_phone": "138 0013 8000",
        "consumer_email": "WangFang@Example.com",
    })
}

/// Posts `body` to `/api/v1/complaints` under `key` (none: no header).
fn file(api: &ApiClient, key: Option<&str>, body: &[u8]) -> ApiAnswer {
    let headers: Vec<(&str, &str)> = key.map(|k| vec![("Idempotency-Key", k)]).unwrap_or_default();
    api.post_with("/api/v1/complaints", "application/json", &headers, body)
}

fn complaint(app: &TestApp, reference: &str) -> Complaint {
    let conn = &mut app.pool.get().unwrap();
    redress::store::supervision::find(conn, reference).unwrap().expect("the complaint").0
}

/// A notice queued: kind, recipient, channel.
type Notice = (String, String, String);

/// The complaint's notices, sorted, and timeline (actor, kind).
fn effects(app: &TestApp, id: i64) -> (Vec<Notice>, Vec<(String, String)>) {
    let conn = &mut app.pool.get().unwrap();
    let mut notices: Vec<Notice> = outbox::table
        .filter(outbox::complaint_id.eq(id))
        .select((outbox::kind, outbox::recipient, outbox::channel))
        .load(conn)
        .unwrap();
    notices.sort();
    let events = complaint_events::table
        .filter(complaint_events::complaint_id.eq(id))
        .order(complaint_events::id)
        .select((complaint_events::actor, complaint_events::kind))
        .load(conn)
        .unwrap();
    (notices, events)
}

fn counts(app: &TestApp) -> (i64, i64) {
    let conn = &mut app.pool.get().unwrap();
    let c = complaints::table.count().get_result(conn).unwrap();
    let o = outbox::table.count().get_result(conn).unwrap();
    (c, o)
}

#[test]
fn filing_through_the_api_makes_the_same_complaint_notices_and_deadlines_as_the_site() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let site = ComplaintBuilder::new(m).description(RISKY).file(&app);
    let site_ref = site.reference(&app);

    let api = app.platform_api();
    let filed = file(&api, Some("order-DY4829301756"), body(m).to_string().as_bytes());
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert_eq!(filed.header("content-type"), Some("application/json"));
    let json = filed.json();
    let reference = json["reference"].as_str().unwrap().to_owned();
    assert_ne!(reference, site_ref);
    assert_eq!(filed.header("location"), Some(format!("/api/v1/complaints/{reference}").as_str()));
    assert_eq!(json["href"], format!("/api/v1/complaints/{reference}"));
    // The test clock stands at 2026-11-20 02:00 UTC: 48 hours, 7 days on.
    assert_eq!(json["submitted_at"], "2026-11-20T02:00:00Z");
    assert_eq!(json["deadlines"]["response_due_at"], "2026-11-22T02:00:00Z");
    assert_eq!(json["deadlines"]["resolution_due_at"], "2026-11-27T02:00:00Z");

    let (ours, theirs) = (complaint(&app, &reference), complaint(&app, &site_ref));
    let same = |c: &Complaint| {
        (
            c.merchant_id,
            c.order_ref.clone(),
            c.category,
            c.desired_resolution,
            c.amount_fen,
            c.description.clone(),
            c.consumer_name.clone(),
            c.consumer_phone.clone(),
            c.consumer_email.clone(),
            c.lang,
            c.state,
        )
    };
    assert_eq!(same(&ours), same(&theirs), "the same fields, cleaned the same way");
    assert_eq!(ours.consumer_phone.as_deref(), Some("13800138000"));
    assert_eq!(ours.consumer_email.as_deref(), Some("wangfang@example.com"));
    let deadlines = |c: &Complaint| (c.submitted_at, c.response_due_at, c.resolution_due_at, c.next_due_at);
    assert_eq!(deadlines(&ours), deadlines(&theirs), "the same deadlines");
    let risk = |c: &Complaint| (c.risk_score, c.risk_matches.clone(), c.risk_state);
    assert_eq!(risk(&ours), risk(&theirs), "the same risk score");
    assert!(ours.risk_score > 0, "the rules matched: {:?}", ours.risk_matches);

    let (notices, events) = effects(&app, ours.id);
    assert_eq!(notices, effects(&app, theirs.id).0, "the same notices");
    assert!(notices.iter().any(|(k, r, _)| k == "receipt" && r == "wangfang@example.com"), "{notices:?}");
    assert!(notices.iter().any(|(k, r, c)| k == "receipt" && r == "13800138000" && c == "sms"), "{notices:?}");
    assert!(notices.iter().any(|(k, _, _)| k == "merchant_new_complaint"), "{notices:?}");
    assert_eq!(events, effects(&app, theirs.id).1, "the same timeline");

    // The tracking link is the consumer's page; the API reads it back.
    let link = json["tracking_url"].as_str().unwrap();
    let path = &link[link.find("/t/").expect("a tracking page")..];
    assert!(link.starts_with(&app.config.public_base()), "{link}");
    let page = app.client().get(path);
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&reference) && page.body.contains("data-status=\"submitted\""));
    let read = api.get(&format!("/api/v1/complaints/{reference}"));
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.json()["deadlines"]["response"]["due_at"], "2026-11-22T02:00:00Z");
    // The receipt that was queued carries the same link.
    let conn = &mut app.pool.get().unwrap();
    let receipt: String = outbox::table
        .filter(outbox::complaint_id.eq(ours.id).and(outbox::kind.eq("receipt")).and(outbox::channel.eq("mail")))
        .select(outbox::body_text)
        .first(conn)
        .unwrap();
    assert!(redress::mail::wrap::unflow(&receipt).contains(link), "{receipt}");
}

#[test]
fn the_same_key_and_body_answer_the_same_complaint_once_and_another_body_is_refused() {
    let app = spawn_app();
    let m = app.merchant("广州美颜堂化妆品有限公司");
    let api = app.platform_api();
    let first = file(&api, Some("order-1"), body(m).to_string().as_bytes());
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.header("idempotent-replayed"), None);
    let before = counts(&app);

    // The same body, its keys in another order and spaced out: the same answer.
    app.clock.advance(Duration::minutes(5));
    let reordered = serde_json::to_string_pretty(&body(m)).unwrap().replace("\"merchant\"", "\"merchant\" ");
    let again = file(&api, Some("order-1"), reordered.as_bytes());
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(again.body, first.body, "the same body");
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(counts(&app), before, "no second complaint, no second notice");

    let mut other = body(m);
    other["order_ref"] = "DY0000000001".into();
    let reused = file(&api, Some("order-1"), other.to_string().as_bytes());
    let p = reused.problem(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
    assert!(p["detail"].as_str().unwrap().contains("Idempotency-Key"), "{p}");
    assert_eq!(counts(&app), before, "nothing filed");

    // Keys are per API key: another platform's same key files its own.
    let theirs = file(&app.platform_api(), Some("order-1"), body(m).to_string().as_bytes());
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.body);
    assert_ne!(theirs.json()["reference"], first.json()["reference"]);

    // Remembered for a day: the retention job's prune forgets it, then
    // the key files anew.
    app.clock.advance(Duration::hours(25));
    let conn = &mut app.pool.get().unwrap();
    assert_eq!(redress::service::retention::prune_idempotency(conn, app.clock.now()).unwrap(), 2);
    let later = file(&api, Some("order-1"), body(m).to_string().as_bytes());
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.body);
    assert_ne!(later.json()["reference"], first.json()["reference"]);
}

#[test]
fn retries_at_once_with_one_key_file_one_complaint() {
    let app = spawn_app();
    let m = app.merchant("深圳极光数码科技有限公司");
    let key = app.api_key(Scope::Platform, "平台订单页");
    let sent = body(m).to_string();
    let answers: Vec<ApiAnswer> = std::thread::scope(|s| {
        let tries: Vec<_> = (0..4)
            .map(|_| s.spawn(|| file(&ApiClient::new(&app, Some(&key)), Some("burst"), sent.as_bytes())))
            .collect();
        tries.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for a in &answers {
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        assert_eq!(a.json()["reference"], answers[0].json()["reference"]);
    }
    assert_eq!(answers.iter().filter(|a| a.header("idempotent-replayed").is_none()).count(), 1);
    assert_eq!(counts(&app).0, 1, "one complaint");
}

#[test]
fn filing_is_refused_as_problems_and_nothing_is_stored() {
    let app = spawn_app();
    let m = app.merchant("成都蜀香源食品有限公司");
    let api = app.platform_api();
    let sent = body(m).to_string();

    file(&api, None, sent.as_bytes()).problem(StatusCode::BAD_REQUEST, "idempotency_key_missing");
    let long = "k".repeat(256);
    let p = file(&api, Some(&long), sent.as_bytes()).problem(StatusCode::BAD_REQUEST, "idempotency_key_missing");
    assert!(p["detail"].as_str().unwrap().contains("255"), "{p}");
    file(&api, Some("a\tb"), sent.as_bytes()).problem(StatusCode::BAD_REQUEST, "idempotency_key_missing");

    let p = file(&app.merchant_api(m), Some("k1"), sent.as_bytes()).problem(StatusCode::FORBIDDEN, "forbidden");
    assert!(p["detail"].as_str().unwrap().contains("平台"), "{p}");
    ApiClient::new(&app, None)
        .post_with("/api/v1/complaints", "application/json", &[("Idempotency-Key", "k1")], sent.as_bytes())
        .problem(StatusCode::UNAUTHORIZED, "unauthorized");

    // Each field as the form words it, in the caller's language.
    let en = app.platform_api().lang("en");
    let bad = serde_json::json!({
        "merchant": m, "order_ref": "", "category": "quality", "desired_resolution": "refund",
        "amount": "12.345", "description": "太短", "consumer_name": "王芳", "consumer_phone": "12345",
        "product": -3,
    });
    let refused = file(&en, Some("k2"), bad.to_string().as_bytes());
    let p = refused.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["order_ref", "category", "amount", "description", "consumer_phone", "product"], "{p}");
    assert_eq!(p["errors"][0]["message"], "This field is required.");
    assert!(p["errors"].as_array().unwrap().iter().all(|e| !e["message"].as_str().unwrap().is_empty()));

    let mut unknown = body(9999);
    unknown["lang"] = "en".into();
    let p =
        file(&api, Some("k3"), unknown.to_string().as_bytes()).problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "merchant", "{p}");
    let mut lang = body(m);
    lang["lang"] = "fr".into();
    let p = file(&api, Some("k4"), lang.to_string().as_bytes()).problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "lang", "{p}");

    file(&api, Some("k5"), b"{\"merchant\":").problem(StatusCode::BAD_REQUEST, "malformed_json");
    file(&api, Some("k6"), b"{\"merchant\":\"one\"}").problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    api.post_with("/api/v1/complaints", "text/plain", &[("Idempotency-Key", "k7")], sent.as_bytes())
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    assert_eq!(counts(&app), (0, 0), "nothing filed, nothing sent");

    // A refused key may be used for the right body afterwards.
    assert_eq!(file(&api, Some("k2"), sent.as_bytes()).status, StatusCode::CREATED);
}

#[test]
fn a_consumer_filed_for_in_english_is_told_in_english() {
    let app = spawn_app();
    let m = app.merchant("上海暖阳服饰有限公司");
    let mut sent = body(m);
    sent["lang"] = "en".into();
    let filed = file(&app.platform_api(), Some("en-1"), sent.to_string().as_bytes());
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let c = complaint(&app, filed.json()["reference"].as_str().unwrap());
    assert_eq!(c.lang, redress::i18n::Lang::En);
    let conn = &mut app.pool.get().unwrap();
    let langs: Vec<String> = outbox::table
        .filter(outbox::complaint_id.eq(c.id).and(outbox::kind.eq("receipt")))
        .select(outbox::lang)
        .load(conn)
        .unwrap();
    assert!(!langs.is_empty() && langs.iter().all(|l| l == "en"), "{langs:?}");
}

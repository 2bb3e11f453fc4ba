//! The supervisors' side of the API, for platform keys: the queue as
//! `/supervisor` lists it, page by page, and rulings as the ruling form
//! makes them (notices, audit entry), refused with 409 when the
//! complaint's state does not allow one.

use chrono::Duration;
use diesel::prelude::*;
use redress::domain::api_key::Scope;
use redress::domain::staff::Role;
use redress::store::schema::{complaints, outbox, staff_audit};
use ureq::http::StatusCode;

use crate::helpers::*;

/// Three escalated complaints and one that is not, as
/// tests/supervisor.rs makes them: the third sent to the platform by its
/// consumer, the first two past their response deadline. Returns the two
/// merchants.
fn escalations(app: &TestApp) -> (i64, i64) {
    let a = app.merchant("杭州星河优选电子商务有限公司");
    let b = app.merchant("广州美颜堂化妆品有限公司");
    ComplaintBuilder::new(a).file(app);
    app.clock.advance(Duration::hours(1));
    ComplaintBuilder::new(b).category("price_fraud").file(app);
    app.clock.advance(Duration::hours(1));
    let third = ComplaintBuilder::new(a).file(app);
    let staff = app.merchant_staff(a);
    let page = "/merchant/complaints/TS20261120000003";
    staff.submit(page, &format!("{page}/propose"), &[("resolution", "refund"), ("amount", "5"), ("body", "退 5 元。")]);
    app.submit(&third, &format!("{third}/reject"), &[("reason", "只退 5 元太少了。")]);
    app.submit(&third, &format!("{third}/intervene"), &[("reason", "只退 5 元，不合理。")]);
    app.clock.advance(Duration::hours(47) + Duration::minutes(1));
    ComplaintBuilder::new(b).file(app); // the fourth: not due yet
    app.sweep();
    (a, b)
}

fn references(page: &ApiAnswer) -> Vec<String> {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.json()["items"].as_array().unwrap().iter().map(|i| i["reference"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_queue_lists_the_escalated_complaints_in_the_supervisors_order_page_by_page() {
    let app = spawn_app();
    let (_, b) = escalations(&app);
    let api = app.platform_api();
    let all = api.get("/api/v1/queue");
    let order = ["TS20261120000003", "TS20261120000001", "TS20261120000002"];
    assert_eq!(references(&all), order, "oldest escalation first, the fourth not escalated");
    let site = app.supervisor().get("/supervisor").html();
    let listed = site.select_attrs("a.reference[href^='/supervisor/complaints/']", "href");
    assert_eq!(listed.iter().map(|h| &h[23..]).collect::<Vec<_>>(), order, "as the supervisors' page lists them");

    let item = &all.json()["items"][1];
    assert_eq!(item["state"], "escalated");
    assert_eq!(item["escalation_reason"], "response_breach");
    assert_eq!(item["merchant"]["name"], "杭州星河优选电子商务有限公司");
    assert_eq!(item["deadlines"]["response"]["overdue"], true);
    assert_eq!(item["deadlines"]["response"]["due_at"], "2026-11-22T02:00:00Z");
    assert_eq!(all.json()["next_cursor"], serde_json::Value::Null);

    // One at a time, by the cursor, to the end.
    let mut seen = Vec::new();
    let mut path = "/api/v1/queue?limit=1".to_owned();
    loop {
        let page = api.get(&path);
        seen.extend(references(&page));
        match page.json()["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/queue?limit=1&cursor={cursor}"),
            None => break,
        }
        assert!(seen.len() <= 3, "the cursor moves on");
    }
    assert_eq!(seen, order);

    assert_eq!(references(&api.get("/api/v1/queue?reason=consumer_request")), ["TS20261120000003"]);
    assert_eq!(references(&api.get(&format!("/api/v1/queue?merchant={b}"))), ["TS20261120000002"]);
    assert_eq!(references(&api.get("/api/v1/queue?category=price_fraud")), ["TS20261120000002"]);

    api.get("/api/v1/queue?cursor=e1234abcd").problem(StatusCode::BAD_REQUEST, "invalid_cursor");
    let high = api.get("/api/v1/queue?limit=1").json()["next_cursor"].as_str().unwrap().to_owned();
    api.get(&format!("/api/v1/queue?part=high_risk&cursor={high}")).problem(StatusCode::BAD_REQUEST, "invalid_cursor");
    for bad in ["limit=0", "limit=101", "limit=x", "reason=late", "part=all", "merchant=-1"] {
        let p = api.get(&format!("/api/v1/queue?{bad}")).problem(StatusCode::BAD_REQUEST, "invalid_query");
        assert!(p["detail"].as_str().unwrap().contains(bad.split('=').next().unwrap()), "{p}");
    }
    app.merchant_api(b).get("/api/v1/queue").problem(StatusCode::FORBIDDEN, "forbidden");
    ApiClient::new(&app, None).get("/api/v1/queue").problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[test]
fn the_high_risk_part_lists_what_machine_discovery_flagged_at_intake() {
    let app = spawn_app();
    let m = app.merchant("成都蜀香源食品有限公司");
    ComplaintBuilder::new(m)
        .category("health_claims")
        .description("主播说这款保健品能治愈高血压，我父母买了三盒，吃了没有用。")
        .file(&app);
    ComplaintBuilder::new(m).file(&app);
    let page = app.platform_api().get("/api/v1/queue?part=high_risk");
    assert_eq!(references(&page), ["TS20261120000001"], "{}", page.body);
    let risk = &page.json()["items"][0]["risk"];
    assert_eq!(risk["high"], true);
    assert!(risk["matched"].as_array().unwrap().iter().any(|m| m["words"].to_string().contains("治愈")), "{risk}");
    assert!(references(&app.platform_api().get("/api/v1/queue")).is_empty(), "nothing escalated yet");
}

fn rule(api: &ApiClient, reference: &str, body: serde_json::Value) -> ApiAnswer {
    api.post_json(&format!("/api/v1/complaints/{reference}/rulings"), &body)
}

#[test]
fn a_ruling_closes_the_complaint_tells_both_sides_and_is_audited_as_the_keys_supervisor() {
    let app = spawn_app();
    let m = app.merchant("深圳极光数码科技有限公司");
    let tracking = ComplaintBuilder::new(m).overdue().file(&app);
    app.sweep();
    let reference = "TS20261120000001";
    let api = app.platform_api();

    // Refused as the form refuses it: each field, by the API's names.
    let p = rule(&api, reference, serde_json::json!({"outcome": "guilty", "body": ""}))
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["body", "outcome"], "{p}");
    let p = rule(
        &api,
        reference,
        serde_json::json!({"outcome": "not_upheld", "body": "不成立。", "relief": "monetary", "relief_amount": "10", "compensation": "10"}),
    )
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "compensation", "no compensation when not upheld: {p}");

    let before: i64 = outbox::table.count().get_result(&mut app.pool.get().unwrap()).unwrap();
    let ruled = rule(
        &api,
        reference,
        serde_json::json!({"outcome": "partly_upheld", "body": "商家宣传与实物不符，应退还差价 150 元。", "relief": "monetary", "relief_amount": "150"}),
    );
    assert_eq!(ruled.status, StatusCode::CREATED, "{}", ruled.body);
    assert_eq!(ruled.header("location"), Some("/api/v1/complaints/TS20261120000001"));
    let json = ruled.json();
    assert_eq!(json["state"], "closed");
    assert!(json["timeline"].to_string().contains("应退还差价 150 元"), "{json}");

    // Both sides told, as after the form's ruling.
    let conn = &mut app.pool.get().unwrap();
    let kinds: Vec<String> = outbox::table.order(outbox::id).offset(before).select(outbox::kind).load(conn).unwrap();
    assert!(kinds.iter().any(|k| k == "consumer_ruling"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "merchant_ruling"), "{kinds:?}");
    let consumer = app.get(&tracking).body;
    assert!(consumer.contains("data-status=\"closed\"") && consumer.contains("应退还差价 150 元"));
    let outcome: Option<String> = complaints::table.select(complaints::outcome).first(conn).unwrap();
    assert_eq!(outcome.as_deref(), Some("partly_upheld"));

    // The staff audit log: the ruling by the supervisor who made the key.
    let key = redress::service::api_keys::list(conn, Scope::Platform).unwrap().remove(0);
    let maker = redress::store::users::find(conn, key.created_by).unwrap().unwrap();
    let rows: Vec<(Option<i64>, String, String)> = staff_audit::table
        .filter(staff_audit::kind.eq("ruling"))
        .select((staff_audit::user_id, staff_audit::actor, staff_audit::detail))
        .load(conn)
        .unwrap();
    assert_eq!(rows, [(Some(maker.id), maker.email, "partly_upheld".to_owned())]);

    // Ruled once: again is a conflict, and nothing more is sent.
    let sent: i64 = outbox::table.count().get_result(conn).unwrap();
    let again = rule(&api, reference, serde_json::json!({"outcome": "upheld", "body": "再裁一次。"}));
    again.problem(StatusCode::CONFLICT, "state_conflict");
    assert_eq!(outbox::table.count().get_result::<i64>(conn).unwrap(), sent);
}

#[test]
fn a_ruling_is_refused_with_409_for_a_state_that_does_not_allow_it() {
    let app = spawn_app();
    let m = app.merchant("上海暖阳服饰有限公司");
    ComplaintBuilder::new(m).overdue().file(&app);
    app.sweep();
    ComplaintBuilder::new(m).file(&app); // not escalated
    let api = app.platform_api();
    let ruling = serde_json::json!({"outcome": "upheld", "body": "成立。"});

    let p = rule(&api, "TS20261122000002", ruling.clone()).problem(StatusCode::CONFLICT, "state_conflict");
    assert!(!p["detail"].as_str().unwrap().is_empty());
    rule(&api, "TS20261120000099", ruling.clone()).problem(StatusCode::NOT_FOUND, "not_found");
    rule(&app.merchant_api(m), "TS20261120000001", ruling.clone()).problem(StatusCode::FORBIDDEN, "forbidden");

    // Held by another supervisor, through the site: a conflict naming them.
    let other = app.client();
    let email = app.staff(Role::Supervisor, None);
    other.sign_in(&email, PASSWORD);
    let page = "/supervisor/complaints/TS20261120000001";
    assert_eq!(other.submit(page, &format!("{page}/claim"), &[]).status, StatusCode::SEE_OTHER);
    let p = rule(&api, "TS20261120000001", ruling.clone()).problem(StatusCode::CONFLICT, "state_conflict");
    assert!(p["detail"].as_str().unwrap().contains(&email), "{p}");
    assert_eq!(other.submit(page, &format!("{page}/release"), &[]).status, StatusCode::SEE_OTHER);
    assert_eq!(rule(&api, "TS20261120000001", ruling).status, StatusCode::CREATED);
}

//! The JSON API's core: keys (stored hashed, revocable, rate-limited,
//! every use on the audit log), one complaint as the key's merchant sees
//! it, errors as problems, the OpenAPI document.

use diesel::RunQueryDsl;
use redress::clock::Clock;
use redress::domain::api_key::Scope;
use redress::domain::limit::Rate;
use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;

/// A merchant with one complaint filed through the form: (merchant id,
/// the complaint's reference, its tracking path).
fn merchant_with_complaint(app: &TestApp, name: &str) -> (i64, String, String) {
    let merchant = app.merchant(name);
    let filed = ComplaintBuilder::new(merchant).file(app);
    let reference = filed.reference(app);
    (merchant, reference, filed.path().to_owned())
}

#[derive(diesel::QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    prefix: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    key_hash: String,
}

#[test]
fn keys_are_stored_hashed_and_a_revoked_or_unknown_key_is_401() {
    let app = spawn_app();
    let (merchant, reference, _) = merchant_with_complaint(&app, "杭州星河优选电子商务有限公司");
    let key = app.api_key(Scope::Merchant(merchant), "客服系统");
    assert!(key.starts_with("rdk_") && key.len() >= 70, "{key}");

    let rows: Vec<KeyRow> =
        diesel::sql_query("SELECT prefix, key_hash FROM api_keys").load(&mut app.pool.get().unwrap()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key_hash, redress::domain::api_key::hash(&key), "the SHA-256 of the whole key");
    assert!(!rows[0].key_hash.contains(&key[13..]), "the secret is not stored");
    assert_eq!(&key[4..12], rows[0].prefix);

    let api = ApiClient::new(&app, Some(&key));
    let path = format!("/api/v1/complaints/{reference}");
    assert_eq!(api.get(&path).status, StatusCode::OK);

    let none = ApiClient::new(&app, None).get(&path);
    none.problem(StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(none.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")), "{:?}", none.headers);
    let mut forged = key.clone();
    forged.replace_range(key.len() - 4.., "0000");
    ApiClient::new(&app, Some(&forged)).get(&path).problem(StatusCode::UNAUTHORIZED, "unauthorized");
    ApiClient::new(&app, Some("not a key")).get(&path).problem(StatusCode::UNAUTHORIZED, "unauthorized");

    let mut conn = app.pool.get().unwrap();
    let keys = redress::service::api_keys::list(&mut conn, Scope::Merchant(merchant)).unwrap();
    let boss = redress::store::users::find_by_email(&mut conn, &app.staff(Role::Merchant, Some(merchant))).unwrap();
    let by = redress::service::audit::Actor {
        user_id: Some(boss.unwrap().id),
        email: "boss@example.cn".into(),
        address: "127.0.0.1".into(),
    };
    // Another merchant's staff cannot revoke it: it is not found for them.
    let other = app.merchant("义乌某某日用品有限公司");
    let theirs =
        redress::service::api_keys::revoke(&mut conn, Scope::Merchant(other), keys[0].id, &by, app.clock.now());
    assert!(matches!(theirs, Err(redress::service::api_keys::KeyError::NotFound)));
    assert_eq!(api.get(&path).status, StatusCode::OK);
    redress::service::api_keys::revoke(&mut conn, Scope::Merchant(merchant), keys[0].id, &by, app.clock.now()).unwrap();
    let revoked = api.get(&path);
    let p = revoked.problem(StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(p["detail"].as_str().unwrap().contains("吊销"), "in the default language: {p}");
}

#[test]
fn a_complaint_reads_as_its_merchant_sees_it_and_another_merchants_is_not_found() {
    let app = spawn_app();
    let (merchant, reference, tracking) = merchant_with_complaint(&app, "杭州星河优选电子商务有限公司");
    let (_, theirs, _) = merchant_with_complaint(&app, "义乌某某日用品有限公司");
    let staff = app.merchant_staff(merchant);
    let page = format!("/merchant/complaints/{reference}");
    let note = staff.submit(&page, &format!("{page}/reply"), &[("body", "内部：先查物流"), ("visibility", "internal")]);
    assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.body);
    let reply = staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，已核实。"), ("visibility", "public")]);
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    app.clock.advance(chrono::Duration::hours(1));

    let api = app.merchant_api(merchant);
    let got = api.get(&format!("/api/v1/complaints/{reference}"));
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert!(got.header("content-type").unwrap().starts_with("application/json"));
    let c = got.json();
    assert_eq!(c["reference"], reference);
    assert_eq!(c["state"], "responded");
    assert_eq!(c["order_ref"], "DY4829301756");
    assert_eq!(c["category"], "false_advertising");
    assert_eq!(c["desired_resolution"], "return_refund");
    assert_eq!(c["amount"]["yuan"], "299.00");
    assert_eq!(c["amount"]["fen"], 29900);
    assert_eq!(c["consumer"]["name"], "王芳");
    assert_eq!(c["consumer"]["phone"], "13800138000");
    assert_eq!(c["merchant"]["id"], merchant);
    assert_eq!(c["submitted_at"], "2026-11-20T02:00:00Z");
    assert_eq!(c["deadlines"]["response"]["due_at"], "2026-11-22T02:00:00Z");
    assert_eq!(c["deadlines"]["response"]["status"], "met");
    assert_eq!(c["deadlines"]["response"]["met"], true);
    assert_eq!(c["deadlines"]["resolution"]["due_at"], "2026-11-27T02:00:00Z");
    assert_eq!(c["deadlines"]["resolution"]["status"], "pending");
    let kinds: Vec<&str> = c["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.starts_with(&["submitted"]) && kinds.contains(&"note") && kinds.contains(&"reply"), "{kinds:?}");
    let note = c["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "note").unwrap();
    assert_eq!((note["visibility"].as_str(), note["body"].as_str()), (Some("internal"), Some("内部：先查物流")));
    assert!(note["staff"].as_str().is_some_and(|s| s.contains('@')), "{note}");

    // The consumer's tracking page shows no note; nor does a platform key.
    assert!(!app.get(&tracking).body.contains("先查物流"));
    let platform = app.platform_api().get(&format!("/api/v1/complaints/{reference}"));
    assert_eq!(platform.status, StatusCode::OK, "{}", platform.body);
    assert!(!platform.body.contains("先查物流") && platform.body.contains("您好，已核实。"));

    api.get(&format!("/api/v1/complaints/{theirs}")).problem(StatusCode::NOT_FOUND, "not_found");
    api.get("/api/v1/complaints/TS20991231999999").problem(StatusCode::NOT_FOUND, "not_found");
    api.get("/api/v1/complaints/not-a-reference").problem(StatusCode::NOT_FOUND, "not_found");

    // Overdue is evaluated on read, before any sweep records it.
    let (_, late, _) = merchant_with_complaint(&app, "温州某某鞋业有限公司");
    let late_merchant = app.platform_api().get(&format!("/api/v1/complaints/{late}")).json()["merchant"]["id"].clone();
    app.clock.advance(chrono::Duration::hours(49));
    let c = app.merchant_api(late_merchant.as_i64().unwrap()).get(&format!("/api/v1/complaints/{late}")).json();
    assert_eq!(c["deadlines"]["response"]["status"], "overdue", "{c}");
    assert_eq!(c["deadlines"]["response"]["overdue"], true);
}

#[test]
fn errors_under_the_api_are_problems_in_the_callers_language() {
    let app = spawn_app();
    let (merchant, reference, _) = merchant_with_complaint(&app, "杭州星河优选电子商务有限公司");
    let api = app.merchant_api(merchant).lang("en");
    let p = api.get("/api/v1/no-such-thing").problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(p["title"], "Not found");
    api.get("/api/v2/complaints").problem(StatusCode::NOT_FOUND, "not_found");
    let wrong = api.post_json(&format!("/api/v1/complaints/{reference}"), &serde_json::json!({}));
    wrong.problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let zh = ApiClient::new(&app, None).get(&format!("/api/v1/complaints/{reference}"));
    assert_eq!(zh.problem(StatusCode::UNAUTHORIZED, "unauthorized")["title"], "未认证");

    // Each problem type is described at its address.
    let t = api.get("/api/v1/problems/rate_limited");
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(t.json()["status"], 429);
    api.get("/api/v1/problems/nothing").problem(StatusCode::NOT_FOUND, "not_found");
}

#[test]
fn each_key_has_its_allowance_then_429_with_retry_after() {
    let app = spawn_app_with(|c| c.api_rate = Some(Rate::per_minute(3)));
    let (merchant, reference, _) = merchant_with_complaint(&app, "杭州星河优选电子商务有限公司");
    let (api, other) = (app.merchant_api(merchant), app.merchant_api(merchant));
    let path = format!("/api/v1/complaints/{reference}");
    for _ in 0..3 {
        assert_eq!(api.get(&path).status, StatusCode::OK);
    }
    let limited = api.get(&path);
    limited.problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: i64 = limited.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert_eq!(other.get(&path).status, StatusCode::OK, "another key has its own allowance");
    app.clock.advance(chrono::Duration::seconds(wait));
    assert_eq!(api.get(&path).status, StatusCode::OK, "allowed again after Retry-After");
}

#[test]
fn every_request_with_a_key_is_on_the_audit_log_and_its_use_is_recorded() {
    let app = spawn_app();
    let (merchant, reference, _) = merchant_with_complaint(&app, "杭州星河优选电子商务有限公司");
    let key = app.api_key(Scope::Merchant(merchant), "ERP 对接");
    let api = ApiClient::new(&app, Some(&key));
    assert_eq!(api.get(&format!("/api/v1/complaints/{reference}")).status, StatusCode::OK);
    api.get("/api/v1/complaints/TS20991231999999").problem(StatusCode::NOT_FOUND, "not_found");
    // Without a valid key nothing is recorded as a key's request.
    ApiClient::new(&app, None).get(&format!("/api/v1/complaints/{reference}"));

    let boss = app.supervisor();
    for (lang, label) in [("zh-CN", "API 请求"), ("en", "API request")] {
        let log = boss.get(&format!("/supervisor/audit?kind=api_request&lang={lang}"));
        assert_eq!(log.status, StatusCode::OK);
        let doc = parse(&log.body);
        let rows = doc.select_all("li[data-audit-kind=api_request]");
        assert_eq!(rows.len(), 2, "{}", log.body);
        let newest = &rows[0];
        assert!(newest.select_text("strong").unwrap().contains(label));
        let actor = newest.select_text("span[data-actor]").unwrap();
        assert!(actor.contains("ERP 对接") && actor.contains(&key[..12]), "{actor}");
        assert!(!actor.contains(&key[13..]), "never the secret");
        assert_eq!(newest.select_text("p[data-subject]").unwrap(), "GET /api/v1/complaints/TS20991231999999");
        assert_eq!(newest.select_text("p[data-detail]").unwrap(), "404");
        assert_eq!(rows[1].select_text("p[data-detail]").unwrap(), "200");
    }
    let made = boss.get("/supervisor/audit?kind=api_key_created");
    assert!(made.body.contains("ERP 对接"), "the key's making is on the log too");

    let mut conn = app.pool.get().unwrap();
    let keys = redress::service::api_keys::list(&mut conn, Scope::Merchant(merchant)).unwrap();
    assert_eq!(keys[0].last_used_at, Some(app.clock.now().naive_utc()));
}

#[test]
fn the_openapi_document_describes_every_path_with_the_bearer_scheme() {
    let app = spawn_app();
    let doc = ApiClient::new(&app, None).get("/api/v1/openapi.json");
    assert_eq!(doc.status, StatusCode::OK);
    let d = doc.json();
    assert!(d["openapi"].as_str().unwrap().starts_with("3."), "{}", d["openapi"]);
    assert_eq!(d["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    for (path, method) in [
        ("/api/v1/complaints", "get"),
        ("/api/v1/complaints/{reference}", "get"),
        ("/api/v1/complaints/{reference}/replies", "post"),
        ("/api/v1/complaints/{reference}/proposals", "post"),
        ("/api/v1/complaints/{reference}/evidence", "post"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/problems/{slug}", "get"),
    ] {
        assert!(d["paths"][path][method].is_object(), "{method} {path} missing: {}", d["paths"]);
    }
    let upload = &d["paths"]["/api/v1/complaints/{reference}/evidence"]["post"]["requestBody"]["content"];
    assert!(upload["multipart/form-data"].is_object(), "{upload}");
    let reply = &d["paths"]["/api/v1/complaints/{reference}/replies"]["post"];
    assert!(reply["responses"]["409"].is_object() && reply["responses"]["422"].is_object());
    let params = d["paths"]["/api/v1/complaints"]["get"]["parameters"].as_array().unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["state", "updated_since", "overdue", "limit", "cursor"]);
    let get = &d["paths"]["/api/v1/complaints/{reference}"]["get"];
    assert_eq!(get["security"][0]["bearer"], serde_json::json!([]));
    assert!(d["components"]["schemas"]["Problem"].is_object());
}

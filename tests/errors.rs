//! Status codes and error pages: in the site layout, in the reader's
//! language, never a 500.

use ureq::http::StatusCode;

use crate::helpers::*;

fn raw_post(app: &TestApp, content_type: &str, body: &[u8]) -> Page {
    page(app.agent.post(app.url("/complaints")).header("Content-Type", content_type).send(body).unwrap())
}

#[test]
fn an_unknown_tracking_link_is_a_404_page_in_the_layout() {
    let app = spawn_app();
    let res = app.get("/t/AAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("<html lang=\"zh-CN\">"));
    assert!(res.body.contains("页面不存在"));
    assert!(res.body.contains("class=\"site-header site-header--consumer\""), "rendered in the site layout");
    assert_eq!(app.get("/no/such/page").status, StatusCode::NOT_FOUND);
}

#[test]
fn a_malformed_body_is_a_400_page() {
    let app = spawn_app();
    app.get("/complaints/new");
    for body in [&b"description=%E4%B8&merchant=1"[..], b"merchant=%ZZ", b"merchant=1&merchant=2", b"merchant=\xff"] {
        let res = raw_post(&app, "application/x-www-form-urlencoded", body);
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(body));
        assert!(res.body.contains("请求无法处理"));
    }
    let json = raw_post(&app, "application/json", br#"{"merchant": 1}"#);
    assert_eq!(json.status, StatusCode::BAD_REQUEST);
}

#[test]
fn an_oversized_body_is_a_413_page() {
    let app = spawn_app();
    let body = format!("description={}", "a".repeat(80 * 1024));
    let res = raw_post(&app, "application/x-www-form-urlencoded", body.as_bytes());
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("提交的内容太大"));
}

#[test]
fn getting_the_form_action_leads_back_to_the_form() {
    let app = spawn_app();
    let res = app.get("/complaints");
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/complaints/new"));
}

#[test]
fn healthz_answers_when_the_database_does() {
    let app = spawn_app();
    let res = app.get("/healthz");
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(r#""database":"ok""#), "{}", res.body);
    assert!(res.body.contains(r#""queued":0"#), "{}", res.body);
}

/// The headers every answer carries: a strict content security policy
/// (our own origin only, no framing), no sniffing, no referrer (a tracking
/// page's address holds its token).
fn assert_safe_headers(what: &str, res: &Page) {
    let header = |name: &str| res.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{what}");
    assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"), "{what}");
    let csp = header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("script-src 'self';") && !csp.contains("unsafe"), "{what}: only our own scripts: {csp}");
}

#[test]
fn every_page_carries_the_security_headers() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let mut answers = Vec::new();
    for path in ["/", "/complaints/new", "/track", "/merchants", "/login", "/healthz", "/static/app.css", "/nope"] {
        answers.push((path.to_owned(), app.get(path)));
    }
    answers.push((format!("/merchants/{merchant}"), app.get(&format!("/merchants/{merchant}"))));
    answers.push(("tracking page".into(), app.get(&tracking)));
    answers.push(("a 422".into(), app.submit("/complaints/new", "/complaints", &[])));
    answers.push(("a 403".into(), app.post("/complaints", &[("csrf_token", "forged")])));
    let staff = app.merchant_staff(merchant);
    answers.push(("/merchant".into(), staff.get("/merchant")));
    let boss = app.client();
    boss.sign_in(&app.staff(redress::domain::staff::Role::Supervisor, None), PASSWORD);
    for path in ["/supervisor", "/supervisor/overview", "/supervisor/export.csv"] {
        answers.push((path.to_owned(), boss.get(path)));
    }
    for (what, res) in &answers {
        assert_safe_headers(what, res);
    }

    let form = app.get("/complaints/new");
    let script = app.get("/static/app.js");
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.headers.get("content-type").unwrap(), "text/javascript; charset=utf-8");
    assert!(form.body.contains("<script src=\"/static/app.js\" defer></script>"));
    assert!(!form.body.contains("<script>"), "no inline script");
}

//! Rate limits per client address: complaints, look-ups, sign-ins. Behind
//! a trusted proxy the client is the address it forwards; anyone else's
//! `X-Forwarded-For` is ignored.

use chrono::Duration;
use redress::domain::limit::RateLimits;
use redress::domain::staff::Role;
use redress::store::complaints;
use ureq::http::StatusCode;

use crate::helpers::*;

/// The default limits, the test's own address being a trusted proxy.
fn behind_a_proxy() -> TestApp {
    spawn_app_with(|c| {
        c.rate_limits = RateLimits::default();
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
}

/// Files a complaint as a browser at `client` (forwarded by the proxy).
fn file_from(app: &TestApp, client: &str, merchant: &str) -> Page {
    let agent = browser();
    let form = page(agent.get(app.url("/complaints/new")).header("X-Forwarded-For", client).call().unwrap());
    let token = csrf(&form.body);
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(valid_complaint(merchant));
    page(agent.post(app.url("/complaints")).header("X-Forwarded-For", client).send_form(fields).unwrap())
}

fn stored(app: &TestApp) -> i64 {
    complaints::count(&mut app.pool.get().unwrap()).unwrap()
}

#[test]
fn a_burst_of_80_complaints_from_one_address_meets_429_while_another_is_unaffected() {
    let app = behind_a_proxy();
    let merchant = app.merchant("杭州星河优选电子商务有限公司").to_string();
    let answers: Vec<Page> = (0..80).map(|_| file_from(&app, "203.0.113.7", &merchant)).collect();
    let filed = answers.iter().filter(|p| p.status == StatusCode::SEE_OTHER).count();
    assert_eq!(filed, 5, "a person may file a few a minute");
    assert!(answers[5..].iter().all(|p| p.status == StatusCode::TOO_MANY_REQUESTS), "the rest are refused");
    assert_eq!(stored(&app), 5, "nothing refused was stored");

    let refused = &answers[5];
    assert_eq!(refused.headers.get("retry-after").unwrap(), "12");
    assert!(refused.body.contains("请 12 秒后再试"), "the page says when: {}", refused.body);
    assert_eq!(textarea_value(&refused.body, "description").as_deref(), Some(valid_complaint("")[5].1), "kept");

    assert_eq!(file_from(&app, "198.51.100.9", &merchant).status, StatusCode::SEE_OTHER, "another address files");
    assert_eq!(file_from(&app, "2001:db8::5", &merchant).status, StatusCode::SEE_OTHER);

    app.clock.advance(Duration::seconds(12));
    assert_eq!(file_from(&app, "203.0.113.7", &merchant).status, StatusCode::SEE_OTHER, "12 s later, one more");
    assert_eq!(file_from(&app, "203.0.113.7", &merchant).status, StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn a_forwarded_address_from_anyone_but_a_trusted_proxy_is_ignored() {
    let app = spawn_app_with(|c| c.rate_limits = RateLimits::default());
    let merchant = app.merchant("杭州星河优选电子商务有限公司").to_string();
    // Each request claims another address; all come from 127.0.0.1.
    let statuses: Vec<StatusCode> =
        (0..7).map(|n| file_from(&app, &format!("192.0.2.{n}"), &merchant).status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(), 5);
    assert_eq!(statuses[5..], [StatusCode::TOO_MANY_REQUESTS; 2]);
}

#[test]
fn look_ups_and_sign_ins_are_limited_with_a_page_that_says_when_to_retry() {
    let app = behind_a_proxy();
    let lookup = |reference: &str| {
        page(
            browser()
                .get(app.url("/track"))
                .query("reference", reference)
                .query("contact", "13800138000")
                .header("X-Forwarded-For", "203.0.113.8")
                .call()
                .unwrap(),
        )
    };
    for n in 0..20 {
        assert_eq!(lookup(&format!("TS2026112000{n:04}")).status, StatusCode::NOT_FOUND);
    }
    let refused = lookup("TS20261120009999");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers.get("retry-after").unwrap(), "3");
    assert!(refused.body.contains("role=\"alert\">操作太频繁了，请 3 秒后再试"), "{}", refused.body);
    assert!(refused.body.contains("value=\"TS20261120009999\""), "what was typed stays");

    let email = app.staff(Role::Supervisor, None);
    let sign_in = || {
        let agent = browser();
        let form = page(agent.get(app.url("/login")).header("X-Forwarded-For", "203.0.113.9").call().unwrap());
        let token = csrf(&form.body);
        let fields = [("csrf_token", token.as_str()), ("email", email.as_str()), ("password", PASSWORD)];
        page(agent.post(app.url("/login")).header("X-Forwarded-For", "203.0.113.9").send_form(fields).unwrap())
    };
    for _ in 0..10 {
        assert_eq!(sign_in().status, StatusCode::SEE_OTHER);
    }
    let refused = sign_in();
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("秒后再试"));
    assert!(refused.headers.contains_key("retry-after"));
}

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
    let complaint = ComplaintBuilder::new(merchant);
    fields.extend(complaint.fields());
    page(agent.post(app.url("/complaints")).header("X-Forwarded-For", client).send_form(fields).unwrap())
}

fn stored(app: &TestApp) -> i64 {
    complaints::count(&mut app.pool.get().unwrap()).unwrap()
}

#[test]
fn a_burst_of_80_complaints_from_one_address_meets_429_while_another_is_unaffected() {
    let app = behind_a_proxy();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app).to_string();
    let answers: Vec<Page> = (0..80).map(|_| file_from(&app, "203.0.113.7", &merchant)).collect();
    let filed = answers.iter().filter(|p| p.status == StatusCode::SEE_OTHER).count();
    assert_eq!(filed, 5, "a person may file a few a minute");
    assert!(answers[5..].iter().all(|p| p.status == StatusCode::TOO_MANY_REQUESTS), "the rest are refused");
    assert_eq!(stored(&app), 5, "nothing refused was stored");

    let refused = &answers[5];
    assert_eq!(refused.headers.get("retry-after").unwrap(), "12");
    assert!(refused.body.contains("请 12 秒后再试"), "the page says when: {}", refused.body);
    assert_eq!(textarea_value(&refused.body, "description").as_deref(), Some(DESCRIPTION), "kept");

    assert_eq!(file_from(&app, "198.51.100.9", &merchant).status, StatusCode::SEE_OTHER, "another address files");
    assert_eq!(file_from(&app, "2001:db8::5", &merchant).status, StatusCode::SEE_OTHER);

    app.clock.advance(Duration::seconds(12));
    assert_eq!(file_from(&app, "203.0.113.7", &merchant).status, StatusCode::SEE_OTHER, "12 s later, one more");
    assert_eq!(file_from(&app, "203.0.113.7", &merchant).status, StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn a_forwarded_address_from_anyone_but_a_trusted_proxy_is_ignored() {
    let app = spawn_app_with(|c| c.rate_limits = RateLimits::default());
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app).to_string();
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

/// Posts `fields` to `action` from `client`'s browser as if from `address`
/// (forwarded by the proxy), with the CSRF token of the page at `form`.
fn post_from(client: &Client, address: &str, form: &str, action: &str, fields: &[(&str, &str)]) -> Page {
    let html = page(client.agent.get(client.url(form)).header("X-Forwarded-For", address).call().unwrap()).body;
    let token = csrf(&html);
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    page(client.agent.post(client.url(action)).header("X-Forwarded-For", address).send_form(all).unwrap())
}

#[test]
fn replies_from_either_side_are_limited_per_address_with_the_text_kept() {
    let app = behind_a_proxy();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = file_from(&app, "198.51.100.1", &merchant.to_string()).tracking_path();
    let reference = reference(&app.get(&tracking).body);
    let reply = format!("{tracking}/reply");
    let consumer = app.client();
    for n in 0..20 {
        let sent = post_from(&consumer, "203.0.113.20", &tracking, &reply, &[("body", &format!("第{n}次补充。"))]);
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{n}: {}", sent.body);
    }
    let refused = post_from(&consumer, "203.0.113.20", &tracking, &reply, &[("body", "还有一点要说明。")]);
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers.get("retry-after").unwrap(), "3");
    assert!(refused.body.contains("操作太频繁了，请 3 秒后再试"), "{}", refused.body);
    assert_eq!(textarea_value(&refused.body, "body").as_deref(), Some("还有一点要说明。"), "kept");
    // In English for an English reader.
    let refused = post_from(&consumer, "203.0.113.20", &format!("{tracking}?lang=en"), &reply, &[("body", "x")]);
    assert!(refused.body.contains("Please try again in 3 seconds"), "{}", refused.body);
    let elsewhere = post_from(&consumer, "198.51.100.2", &tracking, &reply, &[("body", "换个网络。")]);
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER, "another address replies");

    // The merchant's side: counted on its own, from its own address.
    let staff = app.merchant_staff(merchant);
    let mine = format!("/merchant/complaints/{reference}");
    let action = format!("{mine}/reply");
    for n in 0..20 {
        let fields = [("body", &*format!("第{n}次答复。")), ("visibility", "public")];
        let sent = post_from(&staff, "203.0.113.20", &mine, &action, &fields);
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{n}: {}", sent.body);
    }
    let fields = [("body", "我们已联系仓库核实。"), ("visibility", "public")];
    let refused = post_from(&staff, "203.0.113.20", &mine, &action, &fields);
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers.get("retry-after").unwrap(), "3");
    assert!(refused.body.contains("操作太频繁了，请 3 秒后再试"), "{}", refused.body);
    assert_eq!(textarea_value(&refused.body, "body").as_deref(), Some("我们已联系仓库核实。"), "kept");

    app.clock.advance(Duration::seconds(3));
    assert_eq!(post_from(&staff, "203.0.113.20", &mine, &action, &fields).status, StatusCode::SEE_OTHER);
    let html = app.get(&tracking).body;
    assert_eq!(html.matches("我们已联系仓库核实。").count(), 1, "the refused reply was not stored");
    assert!(!html.contains("还有一点要说明。"));
}

#[test]
fn replies_are_not_limited_when_the_limits_are_off() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let reply = format!("{tracking}/reply");
    for n in 0..25 {
        let sent = post_from(&app.browser, "203.0.113.21", &tracking, &reply, &[("body", &format!("第{n}次补充。"))]);
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{n}");
    }
}

#[test]
fn a_merchants_proposals_count_in_its_reply_limit_with_the_proposal_kept() {
    let app = behind_a_proxy();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = file_from(&app, "198.51.100.1", &merchant.to_string()).tracking_path();
    let reference = reference(&app.get(&tracking).body);
    let staff = app.merchant_staff(merchant);
    let mine = format!("/merchant/complaints/{reference}");
    let (reply, propose) = (format!("{mine}/reply"), format!("{mine}/propose"));
    for n in 0..10 {
        let fields = [("body", &*format!("第{n}次答复。")), ("visibility", "public")];
        assert_eq!(post_from(&staff, "203.0.113.30", &mine, &reply, &fields).status, StatusCode::SEE_OTHER, "{n}");
    }
    // Proposals count, valid or not (these have no amount a refund needs).
    for n in 0..10 {
        let fields = [("resolution", "refund"), ("amount", "不是金额"), ("body", &*format!("第{n}个方案。"))];
        let sent = post_from(&staff, "203.0.113.30", &mine, &propose, &fields);
        assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{n}: {}", sent.body);
    }
    let offer = [("resolution", "refund"), ("amount", "299"), ("body", "全额退款，运费我们承担。")];
    let refused = post_from(&staff, "203.0.113.30", &mine, &propose, &offer);
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
    assert_eq!(refused.headers.get("retry-after").unwrap(), "3");
    assert!(refused.body.contains("操作太频繁了，请 3 秒后再试"), "{}", refused.body);
    assert!(refused.body.contains("全额退款，运费我们承担。"), "the proposal is kept");
    let refused = post_from(&staff, "203.0.113.30", &format!("{mine}?lang=en"), &propose, &offer);
    assert!(refused.body.contains("Please try again in 3 seconds"), "{}", refused.body);
    assert!(!app.get(&tracking).body.contains("全额退款，运费我们承担。"), "nothing reached the consumer");

    app.clock.advance(Duration::seconds(3));
    let sent = post_from(&staff, "203.0.113.30", &mine, &propose, &offer);
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(app.get(&tracking).body.matches("全额退款，运费我们承担。").count(), 1);
}

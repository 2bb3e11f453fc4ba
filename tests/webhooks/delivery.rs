//! Delivery: retried with backoff after a failure, at least once under one
//! event id, never again once delivered; an endpoint failing for three
//! days is turned off and its merchant told; internal addresses refused.

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::store::schema::outbox;
use ureq::http::StatusCode;

use super::*;

/// The merchant's mail of `kind`: (recipient, subject, text).
fn mail(app: &TestApp, kind: &str) -> Vec<(String, String, String)> {
    let conn = &mut app.pool.get().unwrap();
    outbox::table
        .filter(outbox::kind.eq(kind))
        .select((outbox::recipient, outbox::subject, outbox::body_text))
        .load(conn)
        .unwrap()
}

#[test]
fn a_500_is_retried_with_backoff_under_the_same_event_id_and_never_again_once_delivered() {
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let e = register(&staff, &receiver.url(), &["complaint.created"]);
    receiver.answer(500);
    ComplaintBuilder::new(m).file(&app);

    let report = app.deliver_webhooks();
    assert_eq!((report.delivered, report.retrying), (0, 1));
    let first = receiver.take();
    assert_eq!(first.len(), 1);
    first[0].verified(&e.secret, app.clock.now());
    let id = first[0].event_id();
    let page = staff.get(&e.page()).html();
    let row = page.select_first("[data-delivery]").expect("the delivery is listed");
    assert_eq!(row.attr("data-delivery"), Some(id.as_str()));
    assert_eq!(row.attr("data-delivery-state"), Some("pending"));
    assert_eq!(row.select_text("[data-status-code]").as_deref(), Some("500"));
    assert!(row.select_text("[data-last-error]").is_some_and(|e| e.contains("HTTP 500")));
    assert_eq!(
        row.select_attr("[data-next-attempt]", "datetime").as_deref(),
        Some("2026-11-20T02:01:00Z"),
        "a minute on"
    );

    // Not before its time; then after 1 min, 5 min, 30 min …
    assert_eq!(app.deliver_webhooks().claimed(), 0);
    for wait in [1, 5, 30] {
        app.clock.advance(Duration::minutes(wait) - Duration::seconds(1));
        assert_eq!(app.deliver_webhooks().claimed(), 0, "not yet, {wait} min");
        app.clock.advance(Duration::seconds(1));
        assert_eq!(app.deliver_webhooks().retrying, 1, "after {wait} min");
        let again = receiver.take();
        assert_eq!(again[0].event_id(), id, "the same event, the same id");
        again[0].verified(&e.secret, app.clock.now());
    }
    assert_eq!(deliveries(&staff, &e), [("complaint.created".into(), "pending".into(), "4".into())]);

    // Two hours later the receiver works: delivered, and never sent again.
    receiver.answer(204);
    app.clock.advance(Duration::hours(2));
    assert_eq!(app.deliver_webhooks().delivered, 1);
    assert_eq!(receiver.take()[0].event_id(), id);
    assert_eq!(deliveries(&staff, &e), [("complaint.created".into(), "delivered".into(), "5".into())]);
    for _ in 0..3 {
        app.clock.advance(Duration::hours(13));
        assert_eq!(app.deliver_webhooks().claimed(), 0);
    }
    assert!(receiver.take().is_empty(), "once delivered, never again");
    let page = staff.get(&e.page()).html();
    assert!(page.select_text("[data-webhook]").is_some_and(|t| !t.contains("连续失败始于")), "the streak is over");
}

#[test]
fn an_endpoint_failing_for_three_days_is_turned_off_and_its_merchant_told() {
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").email("ops@meiyantang.example.cn").build(&app);
    let staff = app.merchant_staff(m);
    let e = register(&staff, &receiver.url(), &["complaint.created"]);
    receiver.answer(503);
    ComplaintBuilder::new(m).file(&app);
    let started = app.clock.now();
    // The dispatcher every hour: each failure is tried again after 1 min,
    // 5 min, 30 min, 2 h, 6 h, then every 12 h (so hours 0, 1, 2, 3, 5,
    // 11, 23, 35, 47, 59, 71); the first failure three days on turns it off.
    let mut hours = 0;
    loop {
        let report = app.deliver_webhooks();
        if report.disabled == 1 {
            break;
        }
        assert!(mail(&app, "merchant_webhook_disabled").is_empty(), "not before it is turned off");
        app.clock.advance(Duration::hours(1));
        hours += 1;
        assert!(hours < 100, "never turned off");
    }
    let failing_for = app.clock.now() - started;
    assert!(failing_for >= Duration::days(3) && failing_for < Duration::hours(84), "after {failing_for}");
    assert_eq!(receiver.take().len(), 12, "every attempt reached the receiver");

    let page = staff.get(&e.page()).html();
    assert_eq!(page.select_attr("[data-webhook-status]", "data-webhook-status").as_deref(), Some("disabled"));
    assert!(page.select_text("[data-webhook]").unwrap().contains("自动停用"), "the page says why");
    assert_eq!(deliveries(&staff, &e)[0].1, "paused", "kept, to go again");
    let told = mail(&app, "merchant_webhook_disabled");
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, "ops@meiyantang.example.cn");
    assert!(told[0].1.contains(&receiver.url()), "{told:?}");
    assert!(told[0].2.contains("3 天") && told[0].2.contains(&format!("/merchant/webhooks/{}", e.id)), "{told:?}");

    // Off: later events are not queued for it, nothing is sent.
    ComplaintBuilder::new(m).order_ref("DY2").file(&app);
    app.clock.advance(Duration::days(1));
    assert_eq!(app.deliver_webhooks().claimed(), 0);

    // Turned back on once the receiver works: the paused one goes.
    receiver.answer(200);
    let res = staff.submit(&e.page(), &format!("{}/enable", e.page()), &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.deliver_webhooks().delivered, 1);
    let hooks = receiver.take();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].verified(&e.secret, app.clock.now())["data"]["reference"], "TS20261120000001");
}

#[test]
fn without_local_testing_the_dispatcher_refuses_an_internal_address() {
    // The app lets the form take it (local testing on); the dispatcher
    // runs without, as in production: it resolves the name and refuses.
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let url = format!("https://localhost:{}/hooks/redress", receiver.port);
    let e = register(&staff, &url, &["complaint.created"]);
    ComplaintBuilder::new(m).file(&app);
    let report = app.deliver_webhooks_as(false);
    assert_eq!(report.retrying, 1);
    assert!(receiver.take().is_empty(), "never connected");
    let page = staff.get(&e.page()).html();
    let error = page.select_text("[data-delivery] [data-last-error]").expect("the refusal is recorded");
    assert!(error.contains("refused") && error.contains("localhost") && error.contains("loopback"), "{error}");
    assert!(page.select_first("[data-delivery] [data-status-code]").is_none(), "no answer: nothing was sent");
}

#[test]
fn the_test_delivery_is_a_signed_ping_and_a_rolled_secret_signs_from_then_on() {
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("成都天府优品商贸有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let e = register(&staff, &receiver.url(), &["complaint.ruling"]);
    let res = staff.submit(&e.page(), &format!("{}/ping", e.page()), &[]);
    assert_eq!((res.status, res.location), (StatusCode::SEE_OTHER, Some(format!("{}?done=ping", e.page()))));
    assert_eq!(deliveries(&staff, &e), [("ping".into(), "pending".into(), "0".into())]);
    assert_eq!(app.deliver_webhooks().delivered, 1);
    let ping = receiver.take();
    let payload = ping[0].verified(&e.secret, app.clock.now());
    assert_eq!(payload["type"], "ping");
    assert_eq!(ping[0].path, "/hooks/redress");
    let page = staff.get(&e.page()).html();
    let row = page.select_first("[data-delivery]").unwrap();
    assert_eq!(row.attr("data-delivery-state"), Some("delivered"));
    assert_eq!(row.select_text("[data-status-code]").as_deref(), Some("200"));

    let rolled = staff.submit(&e.page(), &format!("{}/secret", e.page()), &[]);
    assert_eq!(rolled.status, StatusCode::OK);
    let secret = rolled.html().select_text("[data-webhook-secret] code").expect("the new secret, shown once");
    assert_ne!(secret, e.secret);
    assert!(staff.get(&e.page()).html().select_first("[data-webhook-secret]").is_none(), "shown once only");
    staff.submit(&e.page(), &format!("{}/ping", e.page()), &[]);
    app.deliver_webhooks();
    let ping = receiver.take();
    ping[0].verified(&secret, app.clock.now());
    assert!(!signed_with(&ping[0], &e.secret), "the old secret signs no more");
    assert_ne!(ping[0].event_id(), payload["id"].as_str().unwrap(), "each test delivery is its own event");

    // Off: no test delivery, and the page says why.
    staff.submit(&e.page(), &format!("{}/disable", e.page()), &[]);
    let res = staff.submit(&e.page(), &format!("{}/ping", e.page()), &[]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.html().select_text("[role=alert]").is_some_and(|t| t.contains("已停用")));
}

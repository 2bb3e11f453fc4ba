//! The pages without JavaScript, and what the one small script adds:
//! deadlines counting down by the server's clock, and a question before
//! what cannot be undone.

use chrono::Duration;

use crate::harness::{Driver, run};
use crate::helpers::spawn_app;

#[test]
fn without_javascript_a_consumer_files_and_withdraws_a_complaint() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    run(async {
        let phone = driver.phone_without_script(&app.base, "no-script").await;
        phone.open("/complaints/new").await;
        assert_eq!(phone.attr("html", "class").await, None, "the script did not run");
        phone.choose("#merchant", &merchant.to_string()).await;
        phone.fill("#order_ref", "DY5550001").await;
        phone.choose("#category", "counterfeit").await;
        phone.choose("#desired_resolution", "refund").await;
        phone.fill("#description", "收到的耳机是假货，序列号查不到。").await;
        phone.fill("#consumer_name", "张三").await;
        phone.fill("#consumer_phone", "13800138000").await;
        phone.click("form.form button[type=submit]").await;
        assert!(phone.path().await.starts_with("/t/"));
        assert_eq!(phone.text(".deadline__status").await, "还剩 48 小时 0 分", "the server's words, not the script's");
        phone.audit().await;
        phone.shot("no-script-tracking").await;
        // No question without the script: the button does what it says.
        phone.click("form[action$='/withdraw'] button").await;
        assert_eq!(phone.attr("[data-status]", "data-status").await.as_deref(), Some("withdrawn"));
        phone.close().await;
    });
}

#[test]
fn deadlines_count_down_by_the_servers_clock() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let tracking = app.file_complaint(merchant, &[]);
    // The server's clock is 47 h past filing; this machine's own clock is
    // somewhere else entirely.
    app.clock.advance(Duration::hours(47) + Duration::minutes(58) + Duration::seconds(58));
    run(async {
        let phone = driver.phone(&app.base, "countdown", 390).await;
        phone.open(&tracking).await;
        assert_eq!(phone.attr("html", "class").await.as_deref(), Some("js"), "our script ran");
        // The content security policy lets no other script run.
        let ran = phone
            .js("const s = document.createElement('script');
                 s.textContent = 'window.injected = true';
                 document.body.append(s);
                 return window.injected === true;")
            .await;
        assert_eq!(ran, serde_json::json!(false), "an inline script ran");
        let first = ".deadline:first-child .deadline__status";
        // 1 min 2 s left when served: "1 minute" until the script's clock,
        // started from the server's time, passes the next minute.
        let shown = phone.text(first).await;
        assert!(shown == "还剩 0 小时 1 分" || shown == "还剩 0 小时 0 分", "{shown}");
        // Move the page's idea of the server's time past the deadline: the
        // script turns the deadline overdue, as the server would.
        phone.js("document.body.dataset.now = new Date(Date.parse(document.body.dataset.now) + 125000).toISOString(); return true;").await;
        let shown = phone.text_becomes(first, |t| t.starts_with("已超时")).await;
        assert_eq!(shown, "已超时 0 小时 1 分");
        assert_eq!(phone.attr("[data-deadline=response]", "data-overdue").await.as_deref(), Some("true"));
        assert_eq!(phone.attr(".deadline:first-child", "data-tone").await.as_deref(), Some("overdue"));
        phone.shot("countdown-overdue").await;
        phone.close().await;
    });
}

#[test]
fn withdrawing_asks_first_and_no_means_no() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let tracking = app.file_complaint(merchant, &[]);
    run(async {
        let phone = driver.phone(&app.base, "confirm", 390).await;
        phone.open(&tracking).await;
        phone.el("form[action$='/withdraw'] button").await.click().await.unwrap();
        let question = phone.client.get_alert_text().await.expect("a question");
        assert!(question.contains("撤回"), "{question}");
        phone.client.dismiss_alert().await.unwrap();
        phone.open(&tracking).await;
        assert_eq!(phone.attr("[data-status]", "data-status").await.as_deref(), Some("submitted"), "nothing sent");

        phone.click_and_confirm("form[action$='/withdraw'] button").await;
        assert_eq!(phone.attr("[data-status]", "data-status").await.as_deref(), Some("withdrawn"));
        phone.close().await;
    });
}

#[test]
fn a_form_is_sent_once_however_often_it_is_tapped() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let tracking = app.file_complaint(merchant, &[]);
    run(async {
        let phone = driver.phone(&app.base, "double-tap", 390).await;
        phone.open(&tracking).await;
        // Two taps' submit events: the script lets the first through and
        // stops the second (a listener on window sees what it decided).
        let decided = phone
            .js("const form = document.querySelector(\"form[action$='/reply']\");
                 const seen = [];
                 window.addEventListener('submit', e => seen.push(e.defaultPrevented));
                 for (let i = 0; i < 2; i++) form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
                 return seen;")
            .await;
        assert_eq!(decided, serde_json::json!([false, true]), "the second tap is not sent");
        phone.close().await;
    });
}

//! The consumer's pages on a 390 px phone, in headless Chromium: the
//! confirmation after filing with its copy button, the proposal card with
//! its answer-by time, and rejecting with a reason once the dialog is
//! answered (`target/e2e/consumer-*.png`).

use chrono::Duration;

use crate::harness::{Driver, run};
use crate::helpers::{ComplaintBuilder, spawn_app};

const PLAN: &str = "全额退款 299 元，衣服无需寄回。";

#[test]
fn a_phone_files_sees_the_confirmation_first_then_answers_the_proposal_with_a_reason() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let staff = app.merchant_staff(merchant);
    run(async {
        let phone = driver.phone(&app.base, "consumer", 390).await;
        phone.open("/complaints/new").await;
        for (name, value) in ComplaintBuilder::new(merchant).email("").fields() {
            match name {
                "merchant" | "category" | "desired_resolution" => phone.choose(&format!("#{name}"), value).await,
                _ if value.is_empty() => {}
                _ => phone.fill(&format!("#{name}"), value).await,
            }
        }
        phone.click("form.form button[type=submit]").await;

        // 1. The confirmation, on the first screen, with a working copy button.
        let filed = phone.path().await;
        assert!(filed.ends_with("?done=filed"), "{filed}");
        let top =
            phone.js("return document.querySelector('[data-confirmation=filed]').getBoundingClientRect().top").await;
        assert!(top.as_f64().unwrap() < 844.0, "on the first screen: {top}");
        assert!(phone.text("[data-confirmation]").await.contains("TS20261120000001"));
        let button = phone.el("button[data-copy]").await;
        assert!(button.is_displayed().await.unwrap(), "the script shows the copy button");
        let link = phone.attr("#private-link", "value").await.unwrap();
        assert!(link.ends_with(filed.trim_end_matches("?done=filed")), "{link}");
        phone.audit().await;
        phone.shot("consumer-1-confirmation").await;
        button.click().await.unwrap();
        let said = phone.text_becomes("button[data-copy]", |t| t == "已复制").await;
        assert_eq!(said, "已复制");

        // 2. The merchant proposes; the card shows the plan and the answer-by time.
        let page = "/merchant/complaints/TS20261120000001";
        staff.submit(page, &format!("{page}/propose"), &[("resolution", "refund"), ("amount", "299"), ("body", PLAN)]);
        app.clock.advance(Duration::hours(1));
        let tracking = filed.trim_end_matches("?done=filed").to_owned();
        phone.open(&tracking).await;
        assert!(phone.text(".proposal").await.contains(PLAN));
        assert!(phone.attr("time[data-deadline=answer]", "datetime").await.is_some());
        assert_eq!(phone.attr("ol.steps [aria-current=step]", "data-step").await.as_deref(), Some("proposal"));
        phone.audit().await;
        phone.shot("consumer-2-proposal").await;

        // 3. Rejecting asks first, and keeps the reason on the timeline.
        let reason = "只退款不认错，直播间还在用同样的话术。";
        phone.fill("#reject-reason", reason).await;
        let question = phone.click_and_confirm("form[action$='/reject'] button[type=submit]").await;
        assert!(question.contains("拒绝"), "{question}");
        assert_eq!(phone.attr("[data-status]", "data-status").await.as_deref(), Some("responded"));
        assert!(phone.text("#timeline").await.contains(reason));
        phone.audit().await;
        phone.shot("consumer-3-rejected").await;
        phone.close().await;

        // Without the script, the link is there to select; no dead button.
        let bare = driver.phone_without_script(&app.base, "consumer-no-script").await;
        bare.open(&filed).await;
        assert!(bare.attr("#private-link", "value").await.is_some_and(|v| v.contains("/t/")));
        assert!(!bare.el("button[data-copy]").await.is_displayed().await.unwrap());
        bare.close().await;
    });
}

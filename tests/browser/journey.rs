//! One complaint from a consumer's phone to a supervisor's ruling, in
//! headless Chromium against the real server; every page audited and
//! photographed (`target/e2e/journey-*.png`).

use chrono::Duration;
use redress::domain::staff::Role;

use crate::harness::{Driver, run};
use crate::helpers::spawn_app;
use crate::tab::Tab;

const DESCRIPTION: &str = "主播在直播间说这件羽绒服是90%白鸭绒，收到后吊牌写的是50%灰鸭绒。";

/// The state the page shows, from `data-status`.
async fn status(tab: &Tab) -> String {
    tab.attr("[data-status]", "data-status").await.unwrap()
}

#[test]
fn a_complaint_goes_from_a_phone_to_a_ruling_in_a_real_browser() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    app.merchant("广州美颜堂化妆品有限公司");
    let staff = app.staff(Role::Merchant, Some(merchant));
    let supervisor = app.staff(Role::Supervisor, None);
    run(async {
        // 1. A consumer, on a 390×844 phone, files a complaint in Chinese.
        let phone = driver.phone(&app.base, "consumer", 390).await;
        phone.open("/complaints/new").await;
        phone.audit().await;
        phone.shot("journey-1a-form").await;
        assert_eq!(phone.attr("html", "lang").await.as_deref(), Some("zh-CN"));
        assert_eq!(phone.attr("header", "data-audience").await.as_deref(), Some("consumer"));
        phone.choose("#merchant", &merchant.to_string()).await;
        phone.fill("#order_ref", "DY4829301756").await;
        phone.choose("#category", "false_advertising").await;
        phone.choose("#desired_resolution", "return_refund").await;
        phone.fill("#amount", "299.00").await;
        phone.fill("#description", DESCRIPTION).await;
        // A screenshot of the live stream, chosen from the phone's photos.
        let photos = tempfile::tempdir().unwrap();
        let screenshot = photos.path().join("直播截图.png");
        image::RgbImage::from_fn(360, 640, |x, y| image::Rgb([(x / 2) as u8, (y / 3) as u8, 160]))
            .save(&screenshot)
            .unwrap();
        phone.el("#evidence").await.send_keys(&screenshot.display().to_string()).await.unwrap();
        phone.fill("#consumer_name", "王芳").await;
        phone.fill("#consumer_phone", "13800138000").await;
        phone.fill("#consumer_email", "wangfang@example.com").await;
        phone.shot("journey-1b-form-filled").await;
        phone.click("form.form button[type=submit]").await;

        let filed = phone.path().await;
        assert!(filed.starts_with("/t/") && filed.ends_with("?done=filed"), "the tracking page, not {filed}");
        // It opens with the confirmation; seen again, the page as it is later.
        assert!(phone.text("[data-confirmation=filed]").await.contains("TS"));
        phone.shot("journey-1c-confirmation").await;
        let tracking = filed.trim_end_matches("?done=filed").to_owned();
        phone.open(&tracking).await;
        assert_eq!(status(&phone).await, "submitted");
        let reference = phone.text("h1.reference").await;
        assert!(reference.starts_with("TS"), "{reference}");
        assert!(phone.text("main").await.contains(DESCRIPTION), "the Chinese text as typed");
        assert_eq!(phone.count("#evidence img").await, 1, "the screenshot, as a thumbnail");
        // The deadlines are what stands out: the largest type on the page,
        // on the first screen.
        let first = phone.text(".deadline__status").await;
        assert!(first == "还剩 47 小时 59 分" || first == "还剩 48 小时 0 分", "{first}");
        phone.stands_out(".deadline__status").await.unwrap();
        phone.audit().await;
        phone.shot("journey-1c-tracking").await;

        phone.click(".lang-switch").await;
        assert_eq!(phone.attr("html", "lang").await.as_deref(), Some("en"));
        assert!(phone.text(".deadline__status").await.contains("left"), "the deadline in English");
        assert_eq!(status(&phone).await, "submitted");
        phone.audit().await;
        phone.shot("journey-1d-tracking-english").await;

        // 2. The merchant signs in on a laptop, finds it at the top of the
        // dashboard, replies and proposes a refund.
        app.clock.advance(Duration::hours(3));
        let laptop = driver.laptop(&app.base, "merchant").await;
        laptop.sign_in(&staff).await;
        assert_eq!(laptop.path().await, "/merchant");
        assert_eq!(laptop.text(".complaint-list li:first-child .reference").await, reference);
        assert_eq!(
            laptop.attr(".complaint-list li:first-child time[data-deadline]", "data-deadline").await.as_deref(),
            Some("response")
        );
        // On the merchant's list too, the time left is what stands out.
        laptop.stands_out(".complaint-list li:first-child .complaint-row__deadline strong").await.unwrap();
        assert_eq!(laptop.attr("header", "data-audience").await.as_deref(), Some("merchant"));
        laptop.audit().await;
        laptop.shot("journey-2a-dashboard").await;
        laptop.click(".complaint-list li:first-child a.reference").await;
        assert_eq!(laptop.count("#evidence img").await, 1, "the merchant sees the screenshot");
        laptop.fill("#reply-body", "您好，我们已核实吊牌信息，确实与直播间描述不符，非常抱歉。").await;
        laptop.click("form[action$='/reply'] button[type=submit]").await;
        assert_eq!(status(&laptop).await, "responded");
        laptop.audit().await;
        laptop.choose("#resolution", "refund").await;
        laptop.fill("#proposal-amount", "299.00").await;
        laptop.fill("#proposal-body", "全额退款 299 元，衣服无需寄回。").await;
        laptop.click("form[action$='/propose'] button[type=submit]").await;
        assert_eq!(status(&laptop).await, "proposed");
        laptop.audit().await;
        laptop.shot("journey-2b-proposed").await;

        // 3. The consumer rejects; two days later, past the 48-hour mark
        // with nothing better offered, asks the platform to intervene.
        app.clock.advance(Duration::hours(2));
        phone.open(&tracking).await;
        assert!(phone.text(".proposal").await.contains("299"), "the proposal is shown");
        phone.audit().await;
        phone.shot("journey-3a-proposal").await;
        phone.fill("#reject-reason", "只退款不认错，直播间仍在用同样的话术。").await;
        let question = phone.click_and_confirm("form[action$='/reject'] button").await;
        assert!(question.contains("Reject the merchant's proposal"), "asked in English, as the page is: {question}");
        assert_eq!(status(&phone).await, "responded");
        app.clock.advance(Duration::hours(48));
        phone.open(&tracking).await;
        assert_eq!(phone.attr("[data-deadline=response]", "data-met").await.as_deref(), Some("true"));
        phone.audit().await;
        phone.fill("#reason", "商家只退款不认错，直播间仍在用同样的话术，请平台介入。").await;
        phone.shot("journey-3b-asking-the-platform").await;
        phone.click("form[action$='/intervene'] button").await;
        assert_eq!(status(&phone).await, "escalated");
        phone.audit().await;
        phone.shot("journey-3c-escalated").await;

        // 4. A supervisor finds it in the queue and rules.
        app.clock.advance(Duration::hours(1));
        let desk = driver.laptop(&app.base, "supervisor").await;
        desk.sign_in(&supervisor).await;
        assert_eq!(desk.path().await, "/supervisor");
        assert_eq!(desk.attr("header", "data-audience").await.as_deref(), Some("supervisor"));
        assert_eq!(desk.text(".site-nav a[aria-current=page]").await, "督办队列");
        desk.audit().await;
        desk.shot("journey-4a-queue").await;
        desk.click(&format!("a.reference[href$='/{reference}']")).await;
        desk.click("form[action$='/claim'] button").await;
        desk.el("input[name=outcome][value=upheld]").await.click().await.unwrap();
        desk.fill("#body", "经核实，直播间宣传与商品吊牌不符，投诉成立；商家退款并更正宣传。").await;
        desk.audit().await;
        desk.shot("journey-4b-ruling").await;
        let question = desk.click_and_confirm("form[action$='/rule'] button[type=submit]").await;
        assert!(question.contains("裁定"), "{question}");
        assert_eq!(status(&desk).await, "closed");
        desk.audit().await;

        phone.open(&tracking).await;
        assert_eq!(status(&phone).await, "closed");
        assert!(phone.text("#timeline").await.contains("经核实"), "the consumer sees the ruling");
        phone.audit().await;
        phone.shot("journey-4c-consumer-sees-the-ruling").await;
        laptop.open(&format!("/merchant/complaints/{reference}")).await;
        assert_eq!(status(&laptop).await, "closed");
        assert!(laptop.text("#timeline").await.contains("经核实"), "the merchant sees the ruling");
        laptop.audit().await;
        laptop.shot("journey-4d-merchant-sees-the-ruling").await;

        for tab in [phone, laptop, desk] {
            tab.close().await;
        }
    });
}

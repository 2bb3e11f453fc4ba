//! Live commerce's pages in a real browser on a phone: the merchant
//! registers a live session (a refusal keeps everything chosen, its
//! message next to the field), and a supervisor delists a product from its
//! page; every page passes axe-core and fits 360 px.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::live::{ProductCategory, Review};
use redress::domain::staff::Role;

use crate::harness::{Driver, run};
use crate::helpers::{live, spawn_app};

#[test]
fn a_merchant_registers_a_session_on_a_phone_and_a_supervisor_delists_a_product() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let room = live::room(&app, merchant);
    let doctor = live::host(&app, merchant, true);
    let host = live::host(&app, merchant, false);
    let capsules = live::product(&app, merchant, ProductCategory::HealthFood, Review::Approved);
    let scarf = live::product(&app, merchant, ProductCategory::General, Review::Approved);
    let staff = app.staff(Role::Merchant, Some(merchant));
    let supervisor = app.staff(Role::Supervisor, None);
    let start = (app.clock.now() + Duration::days(1)).with_timezone(&app.config.tz);
    let local = |at: chrono::DateTime<chrono_tz::Tz>| at.format("%Y-%m-%dT%H:%M").to_string();
    // A datetime-local field takes its value as the browser's own picker
    // would leave it; typing into it depends on the browser's locale.
    let set_times = format!(
        "document.querySelector('#started_at').value = '{}';
         document.querySelector('#ended_at').value = '{}';
         return true;",
        local(start),
        local(start + Duration::hours(2))
    );

    run(async {
        let mut problems = Vec::new();
        let phone = driver.phone(&app.base, "live-360", 360).await;
        phone.sign_in(&staff).await;
        for path in [
            "/merchant/rooms".to_owned(),
            "/merchant/hosts".into(),
            "/merchant/products".into(),
            "/merchant/sessions".into(),
            format!("/merchant/rooms/{room}"),
            format!("/merchant/hosts/{doctor}"),
            format!("/merchant/products/{capsules}"),
        ] {
            phone.open(&path).await;
            problems.extend(phone.problems().await);
        }
        phone.open("/merchant/sessions").await;
        phone.choose("#room", &room.to_string()).await;
        phone.choose("#host", &doctor.to_string()).await;
        phone.js(&set_times).await;
        phone.tick(&format!("input[name=products][value='{capsules}']")).await;
        phone.click("form[action='/merchant/sessions'] button[type=submit]").await;
        // Medical staff may not sell health food live: refused, all kept.
        assert!(phone.text("#host-error").await.contains("医务人员"), "{}", phone.text("main").await);
        assert_eq!(phone.attr("#host", "aria-invalid").await.as_deref(), Some("true"));
        assert_eq!(phone.el("#room").await.prop("value").await.unwrap(), Some(room.to_string()));
        assert_eq!(phone.el("#started_at").await.prop("value").await.unwrap(), Some(local(start)));
        let checked = phone.el(&format!("input[name=products][value='{capsules}']")).await.prop("checked").await;
        assert_eq!(checked.unwrap().as_deref(), Some("true"), "the product choice kept");
        problems.extend(phone.problems().await);
        phone.shot("page-merchant-session-refused").await;

        phone.choose("#host", &host.to_string()).await;
        phone.tick(&format!("input[name=products][value='{scarf}']")).await;
        phone.click("form[action='/merchant/sessions'] button[type=submit]").await;
        assert_eq!(phone.count("[data-session]").await, 1, "{}", phone.text("main").await);
        phone.click("[data-session] a").await;
        assert_eq!(phone.count("[data-product]").await, 2, "both products featured");
        problems.extend(phone.problems().await);
        phone.click(".site-header form[action='/logout'] button").await;

        phone.sign_in(&supervisor).await;
        for path in [
            "/supervisor/products".to_owned(),
            format!("/supervisor/rooms/{room}"),
            format!("/supervisor/hosts/{doctor}"),
            format!("/supervisor/merchants/{merchant}"),
        ] {
            phone.open(&path).await;
            problems.extend(phone.problems().await);
        }
        phone.open(&format!("/supervisor/products/{capsules}")).await;
        phone.fill("#measure-reason", "宣称“降血压”，保健食品不得宣称疾病治疗作用。").await;
        phone.click_and_confirm("button[name=decision][value=delist]").await;
        assert_eq!(phone.attr("[data-review]", "data-review").await.as_deref(), Some("delisted"));
        problems.extend(phone.problems().await);
        phone.shot("page-supervisor-product-delisted").await;
        // The public scorecard shows the delisting on the product.
        phone.open(&format!("/merchants/{merchant}")).await;
        assert_eq!(phone.attr(&format!("#product-{capsules}"), "data-review").await.as_deref(), Some("delisted"));
        problems.extend(phone.problems().await);
        phone.shot("page-scorecard-live").await;
        phone.close().await;
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    });
}

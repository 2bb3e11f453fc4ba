//! A collective case in a real browser on a phone: five complaints about
//! one product open an incident; the supervisor makes it a case, and rules once; each consumer's
//! tracking page then says the complaint was part of a case with four
//! others, closed with the ruling. Every page passes axe-core and fits
//! 360 px.

use redress::domain::live::{ProductCategory, Review};
use redress::domain::staff::Role;

use crate::harness::{Driver, run};
use crate::helpers::{ComplaintBuilder, live, spawn_app};

#[test]
fn a_supervisor_makes_an_incident_a_case_and_rules_once_on_a_phone() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("成都蜀香源食品有限公司");
    let sausages = live::product(&app, merchant, ProductCategory::Food, Review::Approved);
    let about = || ComplaintBuilder::new(merchant).field("product", &sausages.to_string());
    let filed: Vec<String> = (0..5).map(|_| about().file(&app).path().to_owned()).collect();
    let supervisor = app.staff(Role::Supervisor, None);
    let incident = {
        use diesel::prelude::*;
        use redress::store::schema::incidents;
        let conn = &mut app.pool.get().unwrap();
        incidents::table.select(incidents::id).first::<i64>(conn).expect("an incident")
    };
    run(async {
        let mut problems = Vec::new();
        let phone = driver.phone(&app.base, "case-360", 360).await;
        phone.sign_in(&supervisor).await;
        let page = format!("/supervisor/incidents/{incident}");
        phone.open("/supervisor/incidents").await;
        problems.extend(phone.problems().await);
        phone.open(&page).await;
        problems.extend(phone.problems().await);
        phone.click("button[name=act][value=collective]").await;
        assert_eq!(phone.attr("[data-incident-state]", "data-incident-state").await.as_deref(), Some("collective"));
        problems.extend(phone.problems().await);
        phone.shot("page-supervisor-case").await;

        // The ruling: without an outcome it is refused, the text kept.
        let body = "经核查，该批腊肠无生产日期，支持全部消费者的退款诉求。";
        phone.fill("#body", body).await;
        phone.click_and_confirm("form input[name=act][value=rule] ~ button[type=submit]").await;
        assert!(phone.text("#outcome-error").await.len() > 1, "{}", phone.text("main").await);
        assert_eq!(phone.el("#body").await.prop("value").await.unwrap().as_deref(), Some(body));
        problems.extend(phone.problems().await);
        phone.tick("input[name=outcome][value=upheld]").await;
        phone.click_and_confirm("form input[name=act][value=rule] ~ button[type=submit]").await;
        assert_eq!(phone.attr("[data-case-outcome]", "data-case-outcome").await.as_deref(), Some("upheld"));
        assert_eq!(phone.count("[data-member] [data-finished]").await, 5, "every member closed");
        problems.extend(phone.problems().await);
        phone.shot("page-supervisor-case-ruled").await;
        phone.close().await;

        let consumer = driver.phone(&app.base, "case-consumer-360", 360).await;
        consumer.open(&filed[0]).await;
        assert_eq!(consumer.attr("[data-collective]", "data-collective").await.as_deref(), Some("4"));
        assert_eq!(consumer.attr("[data-status]", "data-status").await.as_deref(), Some("closed"));
        assert!(consumer.text("main").await.contains(body));
        problems.extend(consumer.problems().await);
        consumer.shot("page-tracking-case").await;
        consumer.close().await;
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    });
}

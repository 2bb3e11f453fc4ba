//! Relief in a real browser on a phone: the supervisor rules on an
//! escalated complaint with money for the consumer; a week later the
//! consumer, asked by SMS, opens the tracking page and says the money never
//! came — the complaint is back with the platform. Every page passes
//! axe-core and fits 360 px.

use chrono::Duration;
use redress::domain::staff::Role;

use crate::harness::{Driver, run};
use crate::helpers::{ComplaintBuilder, spawn_app};

#[test]
fn a_ruling_gives_money_and_a_week_later_the_consumer_says_it_never_came_on_a_phone() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("上海暖阳服饰有限公司");
    let filed = ComplaintBuilder::new(merchant).resolution("refund").amount("459").overdue().file(&app);
    app.sweep();
    let supervisor = app.staff(Role::Supervisor, None);
    let reference = {
        use diesel::prelude::*;
        use redress::store::schema::complaints;
        let conn = &mut app.pool.get().unwrap();
        complaints::table.select(complaints::reference).first::<String>(conn).unwrap()
    };
    run(async {
        let mut problems = Vec::new();
        let phone = driver.phone(&app.base, "relief-360", 360).await;
        phone.sign_in(&supervisor).await;
        phone.open(&format!("/supervisor/complaints/{reference}")).await;
        phone.tick("input[name=outcome][value=upheld]").await;
        phone.fill("#body", "直播特价商品同样适用七天无理由退货，支持全额退款。").await;
        phone.tick("input[name=relief][value=monetary]").await;
        phone.fill("#relief_amount", "459").await;
        phone.click_and_confirm("form[action$='/rule'] button[type=submit]").await;
        assert_eq!(phone.attr("[data-status]", "data-status").await.as_deref(), Some("closed"));
        assert_eq!(phone.attr("[data-relief]", "data-relief-status").await.as_deref(), Some("unconfirmed"));
        problems.extend(phone.problems().await);
        phone.shot("page-supervisor-relief").await;
        phone.close().await;

        app.clock.advance(Duration::days(7) + Duration::hours(1));
        app.sweep();
        let consumer = driver.phone(&app.base, "relief-consumer-360", 360).await;
        consumer.open(filed.path()).await;
        assert!(consumer.text("[data-relief-question]").await.contains("钱到账了吗"));
        problems.extend(consumer.problems().await);
        consumer.shot("page-tracking-relief-question").await;
        consumer.click("[data-relief-question] button[value=no]").await;
        assert_eq!(consumer.attr("[data-status]", "data-status").await.as_deref(), Some("escalated"));
        assert_eq!(consumer.attr("[data-relief]", "data-relief-status").await.as_deref(), Some("not_delivered"));
        assert!(consumer.text("main").await.contains("已记录您没有收到"));
        problems.extend(consumer.problems().await);
        consumer.close().await;
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    });
}

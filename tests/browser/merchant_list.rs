//! The public merchant list in headless Chromium: a card a merchant on a
//! 390 px phone, a table on a laptop, nothing sideways on either, and the
//! sort form working without script (`target/e2e/merchants-*.png`).

use crate::harness::{Driver, run};
use crate::helpers::spawn_app_with;

#[test]
fn the_merchant_list_is_cards_on_a_phone_and_a_table_on_a_laptop() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app_with(|c| c.merchant_list_page = 4);
    for name in [
        "杭州星河优选电子商务有限公司",
        "广州美颜堂化妆品有限公司",
        "Nordic Home 北欧家居（杭州）有限公司",
        "内蒙古自治区呼和浩特市赛罕区草原牧歌乳制品与特色农产品直播电子商务有限责任公司",
        "深圳极光数码科技有限公司",
    ] {
        app.merchant(name);
    }
    run(async {
        let phone = driver.phone(&app.base, "merchants-390", 390).await;
        phone.open("/merchants").await;
        phone.audit().await;
        let shown = |css: &str| format!("return getComputedStyle(document.querySelector('{css}')).display");
        assert_eq!(phone.js(&shown("tbody tr")).await, "block", "a card a merchant");
        assert_eq!(phone.js(&shown("thead")).await, "none");
        assert_eq!(phone.js(&shown(".sort-form")).await, "flex");
        phone.shot("merchants-390").await;
        // Sorting without the headings: the form, as a GET.
        phone.choose("#sort", "complaints_30").await;
        phone.choose("#dir", "asc").await;
        phone.click(".sort-form button").await;
        assert!(phone.path().await.contains("sort=complaints_30&dir=asc"));
        phone.audit().await;
        phone.open("/merchants?page=2").await;
        phone.audit().await;
        phone.close().await;

        let laptop = driver.laptop(&app.base, "merchants-laptop").await;
        laptop.open("/merchants").await;
        laptop.audit().await;
        assert_eq!(laptop.js(&shown("tbody tr")).await, "table-row");
        assert_eq!(laptop.js(&shown(".sort-form")).await, "none");
        let wide = laptop.js("return document.documentElement.scrollWidth <= window.innerWidth").await;
        assert_eq!(wide.as_bool(), Some(true), "nothing scrolls sideways");
        laptop.click("th[data-column=\"satisfaction\"] a").await;
        assert!(laptop.path().await.contains("sort=satisfaction&dir=desc"));
        assert_eq!(laptop.attr("th[data-column=\"satisfaction\"]", "aria-sort").await.as_deref(), Some("descending"));
        laptop.shot("merchants-laptop").await;
        laptop.open("/merchants?lang=en&sort=complaints_30&dir=desc").await;
        laptop.audit().await;
        let wide = laptop.js("return document.documentElement.scrollWidth <= window.innerWidth").await;
        assert_eq!(wide.as_bool(), Some(true), "nothing scrolls sideways in English either");
        laptop.shot("merchants-laptop-en").await;
        laptop.close().await;
    });
}

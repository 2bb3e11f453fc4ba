//! zh-CN by default, English on request; `?lang=` is remembered.

use ureq::http::StatusCode;

use crate::helpers::*;

#[test]
fn chinese_is_the_default() {
    let app = spawn_app();
    let res = app.get("/complaints/new");
    assert!(res.body.contains("<html lang=\"zh-CN\">"));
    assert!(res.body.contains("提交售后投诉"));
}

#[test]
fn accept_language_picks_english() {
    let app = spawn_app();
    let res =
        page(app.agent.get(app.url("/complaints/new")).header("Accept-Language", "en-US,en;q=0.9").call().unwrap());
    assert!(res.body.contains("<html lang=\"en\">"));
    assert!(res.body.contains("File an after-sales complaint"));
    assert!(res.body.contains("False advertising"));
}

#[test]
fn the_lang_parameter_switches_and_is_remembered() {
    let app = spawn_app();
    let en = app.get("/complaints/new?lang=en");
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("lang=en")));
    assert!(en.body.contains("href=\"/complaints/new?lang=zh-CN\""), "a link back to Chinese");
    // Remembered on the next page, even against the browser's preference.
    let next = page(app.agent.get(app.url("/track")).header("Accept-Language", "zh-CN").call().unwrap());
    assert!(next.body.contains("Find my complaint"));
    let back = app.get("/track?lang=zh-CN");
    assert!(back.body.contains("查询投诉"));
    assert!(app.get("/track").body.contains("<html lang=\"zh-CN\">"));
}

#[test]
fn errors_and_the_tracking_page_speak_english_too() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("Hangzhou Xinghe Youxuan E-commerce Co., Ltd.").build(&app);
    app.get("/?lang=en");
    let res = app.submit("/complaints/new", "/complaints", &[("merchant", &merchant.to_string())]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "order_ref").as_deref(), Some("This field is required."));
    assert_eq!(field_error(&res.body, "description").as_deref(), Some("This field is required."));

    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let html = app.get(&tracking).body;
    assert!(html.contains("48 h 0 min left"));
    assert!(html.contains(">22 Nov 2026, 10:00</time>"));
    assert!(html.contains("This is your private link"));
    assert!(app.get("/t/nope").body.contains("Page not found"));
}

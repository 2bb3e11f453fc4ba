//! The public merchant list and scorecard, checked against figures worked
//! out by hand.

use chrono::Duration;
use ureq::http::StatusCode;

use crate::helpers::*;

#[test]
fn the_scorecard_matches_hand_computed_figures_and_shows_no_consumer_data() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let reply = |reference: &str| {
        let page = format!("/merchant/complaints/{reference}");
        assert_eq!(
            staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，已收到。")]).status,
            StatusCode::SEE_OTHER
        );
    };
    // A: 200 days before "now", never answered.
    ComplaintBuilder::new(m).file(&app);
    // B: 60 days before: answered after 10 h, resolved in time, rated 4.
    app.clock.advance(Duration::days(140));
    let b = ComplaintBuilder::new(m).file(&app);
    app.clock.advance(Duration::hours(10));
    reply("TS20270409000002");
    app.clock.advance(Duration::hours(1));
    let page = "/merchant/complaints/TS20270409000002";
    staff.submit(page, &format!("{page}/propose"), &[("resolution", "refund"), ("body", "全额退款。")]);
    app.clock.advance(Duration::hours(1));
    app.submit(&b, &format!("{b}/accept"), &[]);
    app.submit(&b, &format!("{b}/rate"), &[("score", "4")]);
    // C, D, E: 5 days before. C answered after 2 h, D after 50 h, E never.
    app.clock.set(start_time() + Duration::days(195));
    for _ in 0..3 {
        ComplaintBuilder::new(m).file(&app);
    }
    app.clock.advance(Duration::hours(2));
    reply("TS20270603000003");
    app.clock.advance(Duration::hours(48));
    reply("TS20270603000004");
    app.clock.set(start_time() + Duration::days(200));

    let html = app.client().get(&format!("/merchants/{m}")).body;
    let page = parse(&html);
    let figure = |name: &str| page.select_text(&format!("[data-figure=\"{name}\"]")).unwrap();
    assert_eq!(
        (figure("received_30"), figure("received_90"), figure("received_365")),
        ("3".into(), "4".into(), "5".into())
    );
    assert_eq!(figure("response_rate"), "60.0%", "B, C and D of the five answered");
    assert_eq!(figure("on_time_response"), "40.0%", "B and C in time");
    assert_eq!(figure("on_time_resolution"), "50.0%", "of A and B, whose 7 days are up, B met");
    assert_eq!(figure("median_first_response"), "10 小时 0 分", "of 2 h, 10 h, 50 h");
    assert_eq!(figure("satisfaction"), "4.0 / 5（1 人评分）");
    assert_eq!(figure("credit_points"), "100");
    assert!(html.contains("data-supervision=\"none\""));
    assert!(html.contains("近一年没有处罚记录"));
    for private in ["王芳", "13800138000", "138****8000", "wangfang", "DY4829301756", "主播说羽绒服"] {
        assert!(!html.contains(private), "no consumer data: {private}");
    }
}

#[test]
fn unknown_merchants_are_404_and_the_list_searches_by_name() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    assert_eq!(app.get("/merchants/999999").status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/merchants/abc").status, StatusCode::NOT_FOUND);
    let all = app.get("/merchants").body;
    assert!(all.contains("杭州星河优选") && all.contains("广州美颜堂"));
    let found = app.get_query("/merchants", &[("q", "星河")]).body;
    assert!(found.contains(&format!("href=\"/merchants/{a}\"")) && !found.contains("广州美颜堂"));
    assert!(
        app.get_query("/merchants", &[("q", "%")]).body.contains("没有找到商家"),
        "% is a character, not a wildcard"
    );
}

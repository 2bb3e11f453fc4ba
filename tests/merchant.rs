//! The merchant portal: only its own complaints, nearest deadline first,
//! counters, filters, pagination.

use chrono::Duration;
use ureq::http::StatusCode;

use crate::helpers::*;

/// The references in the dashboard's list, in order.
fn listed(html: &str) -> Vec<String> {
    let links = parse(html).select_attrs("a.reference[href^='/merchant/complaints/']", "href");
    links.iter().map(|href| href.trim_start_matches("/merchant/complaints/").to_owned()).collect()
}

fn counter(html: &str, name: &str) -> i64 {
    parse(html).select_text(&format!("[data-counter=\"{name}\"]")).unwrap().parse().unwrap()
}

#[test]
fn a_merchant_sees_only_its_own_complaints_by_any_url() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let b = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let theirs = ComplaintBuilder::new(b).file(&app);
    let mine = ComplaintBuilder::new(a).order_ref("MINE-1").file(&app);
    let reference = |path: &str| reference(&app.get(path).body);
    let (theirs, mine) = (reference(&theirs), reference(&mine));

    let staff_a = app.merchant_staff(a);
    let dashboard = staff_a.get("/merchant");
    assert_eq!(listed(&dashboard.body), std::slice::from_ref(&mine));
    assert_eq!(staff_a.get(&format!("/merchant/complaints/{mine}")).status, StatusCode::OK);
    for path in [format!("/merchant/complaints/{theirs}"), format!("/merchant/complaints/{}", theirs.to_lowercase())] {
        assert_eq!(staff_a.get(&path).status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = staff_a.get(&format!("/merchant/complaints/{mine}"));
    let token = csrf(&page.body);
    for action in ["reply", "propose"] {
        let res = staff_a.post(
            &format!("/merchant/complaints/{theirs}/{action}"),
            &[("csrf_token", &token), ("body", "不是我的投诉"), ("resolution", "refund")],
        );
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{action}");
    }
    let b_page = app.merchant_staff(b).get(&format!("/merchant/complaints/{theirs}"));
    assert!(!b_page.body.contains("不是我的投诉"), "nothing reached B's complaint");
}

#[test]
fn the_complaint_page_shows_deadlines_timeline_and_the_consumers_contact() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let page = staff.get("/merchant/complaints/TS20261120000001");
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-status=\"submitted\""));
    assert!(page.body.contains("<time datetime=\"2026-11-22T02:00:00Z\" data-deadline=\"response\">"));
    assert!(page.body.contains("<time datetime=\"2026-11-27T02:00:00Z\" data-deadline=\"resolution\">"));
    assert!(page.body.contains("13800138000"), "the full phone, for this merchant");
    assert!(page.body.contains("wangfang@example.com"));
    assert!(page.body.contains("投诉已提交"));
}

#[test]
fn counters_and_the_list_follow_the_nearest_deadline() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    // Filed at t0, t0+10h, t0+20h, t0+30h: response deadlines 48 h later.
    for _ in 0..4 {
        ComplaintBuilder::new(m).file(&app);
        app.clock.advance(Duration::hours(10));
    }
    // Now t0+40h: the first is due within 12 h (t0+48h); none overdue.
    let staff = app.merchant_staff(m);
    let html = staff.get("/merchant").body;
    assert_eq!(listed(&html), ["TS20261120000001", "TS20261120000002", "TS20261121000003", "TS20261121000004"]);
    assert_eq!(counter(&html, "new"), 4);
    assert_eq!(counter(&html, "due_soon"), 1);
    assert_eq!(counter(&html, "overdue"), 0);

    // Answer the oldest: its next deadline is the 7-day one, so it sinks.
    let res = staff.submit(
        "/merchant/complaints/TS20261120000001",
        "/merchant/complaints/TS20261120000001/reply",
        &[("body", "您好，已收到，正在核实。"), ("visibility", "public")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.clock.advance(Duration::hours(9)); // t0+49h: the second (due t0+58h) is soon; none overdue yet
    let html = staff.get("/merchant").body;
    assert_eq!(listed(&html)[3], "TS20261120000001");
    assert_eq!(counter(&html, "new"), 3);
    assert_eq!(counter(&html, "overdue"), 0);
    assert_eq!(counter(&html, "due_soon"), 1);
    app.clock.advance(Duration::hours(10)); // t0+59h: the second is overdue
    let html = staff.get("/merchant").body;
    assert_eq!(counter(&html, "overdue"), 1);
    assert!(html.contains("已超时 1 小时 0 分"), "each row says by how much");
    assert_eq!(listed(&staff.get("/merchant?due=overdue").body), ["TS20261120000002"]);
    assert_eq!(listed(&staff.get("/merchant?due=soon").body), ["TS20261121000003"]);
    assert_eq!(listed(&staff.get("/merchant?state=responded").body), ["TS20261120000001"]);
    assert!(listed(&staff.get("/merchant?category=delivery").body).is_empty());
    assert_eq!(listed(&staff.get("/merchant?category=false_advertising&state=submitted").body).len(), 3);
}

#[test]
fn the_list_pages_through_everything_once() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    for _ in 0..27 {
        ComplaintBuilder::new(m).file(&app);
        app.clock.advance(Duration::minutes(1));
    }
    let staff = app.merchant_staff(m);
    let mut seen = Vec::new();
    let mut next = Some("/merchant".to_owned());
    while let Some(path) = next {
        let html = staff.get(&path).body;
        seen.extend(listed(&html));
        next = parse(&html).select_attr("a[rel=next]", "href");
    }
    assert_eq!(seen.len(), 27);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 27, "no complaint twice");
    assert_eq!(seen, sorted, "filed in order, so due in order");
}

#[test]
fn a_refused_answer_keeps_what_was_typed_on_its_own_form() {
    let app = spawn_app();
    let m = app.merchant("南京青禾家居用品有限公司");
    app.file_complaint(m, &[]);
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    let forged = "forged-token-forged-token";

    let reply = staff
        .post(&format!("{page}/reply"), &[("csrf_token", forged), ("body", "草稿回复"), ("visibility", "internal")]);
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body.contains("页面已过期"), "explained");
    assert_eq!(textarea_value(&reply.body, "body").as_deref(), Some("草稿回复"), "the reply kept");
    assert!(reply.body.contains("value=\"internal\" checked"), "and its visibility");

    let proposal = staff.post(
        &format!("{page}/propose"),
        &[("csrf_token", forged), ("resolution", "refund"), ("amount", "88"), ("body", "草稿方案")],
    );
    assert_eq!(proposal.status, StatusCode::FORBIDDEN);
    assert_eq!(input_value_by_id(&proposal.body, "proposal-amount").as_deref(), Some("88"));
    assert!(proposal.body.contains("value=\"refund\" selected"));
    assert!(proposal.body.contains(">草稿方案</textarea>"));
    assert!(!reply.body.contains("草稿方案") && !proposal.body.contains("草稿回复"), "each form keeps its own");

    // What is wrong shows next to the form that was sent, not the other.
    let bad = staff.submit(page, &format!("{page}/propose"), &[("resolution", "refund"), ("amount", "-5")]);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bad.body, "proposal-body").is_some() && field_error(&bad.body, "proposal-amount").is_some());
    assert_eq!(field_error(&bad.body, "reply-body"), None);
    let bad = staff.submit(page, &format!("{page}/reply"), &[("body", " ")]);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bad.body, "reply-body").is_some());
    assert_eq!(field_error(&bad.body, "proposal-body"), None);

    // A reference that is not one is not found, before any form is read.
    for path in ["/merchant/complaints/TS1", "/merchant/complaints/TS1/reply", "/merchant/complaints/TS1/propose"] {
        let res = if path.ends_with("TS1") { staff.get(path) } else { staff.post(path, &[("body", "x")]) };
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
    }
}

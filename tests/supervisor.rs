//! The supervisors' escalation view: the queue and its filters, claiming,
//! and a ruling both sides see.

use chrono::Duration;
use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;

fn supervisor(app: &TestApp) -> (Client, String) {
    let client = app.client();
    let email = app.staff(Role::Supervisor, None);
    assert_eq!(client.sign_in(&email, PASSWORD).status, StatusCode::SEE_OTHER);
    (client, email)
}

/// The references in the queue, in order.
fn queued(html: &str) -> Vec<String> {
    let links = parse(html).select_attrs("a.reference[href^='/supervisor/complaints/']", "href");
    links.iter().map(|href| href.trim_start_matches("/supervisor/complaints/").to_owned()).collect()
}

#[test]
fn the_queue_lists_escalations_oldest_first_with_filters_and_waiting_time() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let b = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    ComplaintBuilder::new(a).file(&app);
    app.clock.advance(Duration::hours(1));
    ComplaintBuilder::new(b).category("price_fraud").file(&app);
    app.clock.advance(Duration::hours(1));
    let third = ComplaintBuilder::new(a).file(&app);
    // The third is rejected and sent to the platform by its consumer first.
    let staff = app.merchant_staff(a);
    let page = "/merchant/complaints/TS20261120000003";
    staff.submit(page, &format!("{page}/propose"), &[("resolution", "refund"), ("amount", "5"), ("body", "退 5 元。")]);
    app.submit(&third, &format!("{third}/reject"), &[("reason", "只退 5 元太少了。")]);
    app.submit(&third, &format!("{third}/intervene"), &[("reason", "只退 5 元，不合理。")]);
    app.clock.advance(Duration::hours(47) + Duration::minutes(1)); // 1 and 2 pass their response deadlines
    app.sweep();

    let (boss, _) = supervisor(&app);
    let html = boss.get("/supervisor").body;
    assert_eq!(queued(&html), ["TS20261120000003", "TS20261120000001", "TS20261120000002"], "oldest escalation first");
    assert!(html.contains("已等待 47 小时 1 分"), "the consumer's request has waited since it was made");
    assert!(html.contains("已等待 1 小时 1 分"), "the first breach since its due time");
    assert_eq!(queued(&boss.get("/supervisor?reason=consumer_request").body), ["TS20261120000003"]);
    assert_eq!(queued(&boss.get("/supervisor?reason=response_breach").body), ["TS20261120000001", "TS20261120000002"]);
    assert_eq!(queued(&boss.get(&format!("/supervisor?merchant={b}")).body), ["TS20261120000002"]);
    assert_eq!(queued(&boss.get("/supervisor?category=price_fraud").body), ["TS20261120000002"]);
    // The merchant box also takes part of a name.
    let named = |part: &str| {
        let query = serde_urlencoded::to_string([("merchant", part)]).unwrap();
        queued(&boss.get(&format!("/supervisor?{query}")).body)
    };
    assert_eq!(named("美颜堂"), ["TS20261120000002"], "part of one merchant's name");
    assert_eq!(named("有限公司"), ["TS20261120000003", "TS20261120000001", "TS20261120000002"], "shared by both");
    assert!(named("没有这家").is_empty());
}

#[test]
fn a_supervisor_claims_others_see_who_holds_it_and_the_ruling_reaches_both_sides() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let merchant_page = "/merchant/complaints/TS20261120000001";
    staff.submit(
        merchant_page,
        &format!("{merchant_page}/reply"),
        &[("body", "内部：该批次确实有问题"), ("visibility", "internal")],
    );
    app.clock.advance(Duration::hours(49));
    app.sweep();

    let (first, first_email) = supervisor(&app);
    let (second, _) = supervisor(&app);
    let page = "/supervisor/complaints/TS20261120000001";
    let html = first.get(page).body;
    assert!(html.contains("内部：该批次确实有问题"), "supervisors see internal notes");
    assert!(html.contains("13800138000"), "and the full contact");
    let claimed = first.submit(page, &format!("{page}/claim"), &[]);
    assert_eq!(claimed.status, StatusCode::SEE_OTHER);
    assert!(
        second.get("/supervisor").body.contains(&format!("data-holder=\"{first_email}\"")),
        "others see who holds it"
    );

    let taken = second.submit(page, &format!("{page}/rule"), &[("outcome", "upheld"), ("body", "我来结案")]);
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains(&format!("这件投诉正由 {first_email} 处理")));
    assert!(taken.body.contains("我来结案"), "what was typed is kept");

    let invalid = first.submit(page, &format!("{page}/rule"), &[("outcome", "guilty"), ("body", "")]);
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&invalid.body, "outcome").as_deref(), Some("请从列表中选择一项。"));
    assert_eq!(field_error(&invalid.body, "body").as_deref(), Some("这一项必须填写。"));

    let ruled = first.submit(
        page,
        &format!("{page}/rule"),
        &[("outcome", "partly_upheld"), ("body", "商家宣传与实物不符，应退还差价 150 元。")],
    );
    assert_eq!(ruled.status, StatusCode::SEE_OTHER);
    let consumer = app.get(&tracking).body;
    assert!(consumer.contains("data-status=\"closed\""));
    assert!(
        consumer.contains("投诉部分成立") && consumer.contains("应退还差价 150 元"),
        "the consumer sees the ruling"
    );
    let merchant = staff.get(merchant_page).body;
    assert!(
        merchant.contains("data-status=\"closed\"") && merchant.contains("应退还差价 150 元"),
        "so does the merchant"
    );
    assert!(queued(&first.get("/supervisor").body).is_empty(), "closed complaints leave the queue");
    let again = first.submit(page, &format!("{page}/claim"), &[]);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing left to hold");
    assert_eq!(first.submit(page, &format!("{page}/reopen"), &[]).status, StatusCode::NOT_FOUND, "no such command");
}

#[test]
fn merchants_and_strangers_are_kept_out() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    for path in
        ["/supervisor", "/supervisor/complaints/TS20261120000001", "/supervisor/overview", "/supervisor/export.csv"]
    {
        assert_eq!(staff.get(path).status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(app.client().get(path).status, StatusCode::SEE_OTHER, "{path}");
    }
    let res = staff.post("/supervisor/complaints/TS20261120000001/rule", &[("outcome", "not_upheld"), ("body", "x")]);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[test]
fn the_csv_export_has_the_rows_honours_filters_and_masks_contacts() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let b = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    ComplaintBuilder::new(a).description("主播说是纯棉，\"实际\"是化纤，标签写着聚酯纤维 100%。").file(&app);
    ComplaintBuilder::new(b).phone("13912345678").email("").file(&app);
    let staff = app.merchant_staff(a);
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(page, &format!("{page}/reply"), &[("body", "您好。")]);
    let (boss, _) = supervisor(&app);

    let res = boss.get("/supervisor/export.csv");
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers.get("content-type").unwrap(), "text/csv; charset=utf-8");
    assert!(
        res.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("attachment; filename=\"redress-complaints-20261120.csv\"")
    );
    assert!(res.body.starts_with('\u{feff}'), "a BOM for spreadsheet software");
    let lines: Vec<&str> = res.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].starts_with("收到日期,投诉编号,商家,问题类型"));
    assert!(
        lines[1].starts_with("2026-11-20 10:00,TS20261120000002,广州美颜堂化妆品有限公司,虚假宣传,退货退款,"),
        "newest first: {}",
        lines[1]
    );
    assert!(lines[1].contains("139****5678"));
    assert!(
        lines[2].contains("TS20261120000001") && lines[2].contains(",是,2026-11-20 10:00,"),
        "timely, with its first response: {}",
        lines[2]
    );
    assert!(lines[2].contains("138****8000") && lines[2].contains("w***@example.com"));
    assert!(!res.body.contains("13800138000") && !res.body.contains("wangfang@"), "contacts are masked");

    let only_b = boss.get(&format!("/supervisor/export.csv?merchant={b}")).body;
    assert_eq!(only_b.lines().count(), 2);
    assert!(only_b.contains("TS20261120000002"));
    assert_eq!(boss.get("/supervisor/export.csv?state=escalated").body.lines().count(), 1, "the header only");
    assert_eq!(boss.get("/supervisor/export.csv?from=2026-11-21").body.lines().count(), 1);
}

#[test]
fn the_overview_has_the_figures_and_draws_the_charts() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let other = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app); // answered after 2 h
    ComplaintBuilder::new(m).file(&app); // never answered: breached
    ComplaintBuilder::new(other).file(&app); // answered after 6 h
    let staff = app.merchant_staff(m);
    app.clock.advance(Duration::hours(2));
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(page, &format!("{page}/reply"), &[("body", "您好。")]);
    let other_staff = app.merchant_staff(other);
    app.clock.advance(Duration::hours(4));
    let page = "/merchant/complaints/TS20261120000003";
    other_staff.submit(page, &format!("{page}/reply"), &[("body", "您好。")]);
    app.clock.advance(Duration::hours(43)); // past the second one's 48 h
    app.sweep();

    let (boss, _) = supervisor(&app);
    let html = boss.get("/supervisor/overview").body;
    let page = parse(&html);
    let figure = |name: &str| page.select_text(&format!("[data-figure=\"{name}\"]")).unwrap();
    assert_eq!(figure("received"), "3");
    assert_eq!(figure("on_time_response"), "66.7%");
    assert_eq!(figure("on_time_resolution"), "—", "no resolution deadline decided yet");
    assert_eq!(figure("median_first_response"), "4 小时 0 分", "the median of 2 h and 6 h");
    assert_eq!(figure("open_escalations"), "1");
    assert!(html.contains("<svg class=\"chart\""), "charts, drawn on the server");
    assert!(html.contains("<title>11-20 · 收到的投诉 3</title>"), "three received on the 20th");
    assert!(html.contains("<title>11-22 · 超时 1</title>"), "one breach recorded on the 22nd");
    assert!(html.contains("<title>深圳极光数码科技有限公司 · 1</title>"), "breaches by merchant");
}

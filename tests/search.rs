//! The staff lists show what people look complaints up by (order number,
//! amount, what is asked, the consumer's words, the verified mark, the
//! nearest deadline) and find a complaint by reference, order number or
//! the consumer's phone number however it is spelled: the merchant only
//! its own, the supervisors all of them.

use chrono::Duration;
use redress::clock::Clock;
use scraper::ElementRef;
use ureq::http::StatusCode;

use crate::helpers::*;

const LONG: &str =
    "主播在直播间反复说这件羽绒服是90%白鸭绒，收到后吊牌写的是50%灰鸭绒，客服不回复，要求退货退款并赔偿。";

/// The references listed, in order.
fn listed(html: &str) -> Vec<String> {
    parse(html).select_texts("li.complaint-row a.reference")
}

/// `path?q=…` (and any other fields) as a browser sends the GET form.
fn search(client: &Client, path: &str, q: &str) -> Page {
    client.get_query(path, &[("q", q)])
}

/// What a list's row for `reference` shows: order number, amount, remedy,
/// excerpt, and whether it carries the verified mark.
fn row_of(html: &str, reference: &str) -> (String, Option<String>, String, String, bool) {
    let doc = parse(html);
    let row: ElementRef<'_> = doc
        .select_all("li.complaint-row")
        .into_iter()
        .find(|r| r.select_text("a.reference").as_deref() == Some(reference))
        .unwrap_or_else(|| panic!("no row for {reference}"));
    let text = |css: &str| row.select_text(css).map(|t| t.trim().to_owned());
    (
        text("[data-order-ref]").unwrap(),
        text("[data-amount]"),
        text("[data-remedy]").unwrap(),
        text(".complaint-row__excerpt").unwrap(),
        row.select_first("[data-verified=true]").is_some(),
    )
}

#[test]
fn merchant_rows_and_queue_rows_show_what_people_look_complaints_up_by() {
    let app = spawn_app_with(|c| c.verify_phone = redress::domain::contact::VerifyPhone::Optional);
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).order_ref("DY4829301756").amount("1299.5").description(LONG).verified().file(&app);
    ComplaintBuilder::new(m).order_ref("TB5566778899").amount("").resolution("exchange").phone("").file(&app);
    let staff = app.merchant_staff(m);
    let html = staff.get("/merchant").body;

    let (order, amount, remedy, excerpt, verified) = row_of(&html, "TS20261120000001");
    assert_eq!(
        (order.as_str(), amount.as_deref(), remedy.as_str(), verified),
        ("DY4829301756", Some("¥1299.50"), "退货退款", true)
    );
    assert_eq!(excerpt.chars().count(), 41, "40 characters and the ellipsis: {excerpt}");
    assert!(excerpt.ends_with('…') && LONG.starts_with(excerpt.trim_end_matches('…')), "{excerpt}");
    let (order, amount, remedy, excerpt, verified) = row_of(&html, "TS20261120000002");
    assert_eq!((order.as_str(), amount, remedy.as_str(), verified), ("TB5566778899", None, "换货", false));
    assert_eq!(excerpt, DESCRIPTION, "a short description whole, without an ellipsis");
    let deadlines = parse(&html).select_attrs("li.complaint-row time[data-deadline=response]", "datetime");
    assert_eq!(deadlines, ["2026-11-22T02:00:00Z", "2026-11-22T02:00:00Z"]);

    // Both miss the response deadline and reach the queue.
    app.clock.advance(Duration::hours(49));
    app.sweep();
    let boss = app.supervisor();
    let html = boss.get("/supervisor").body;
    assert_eq!(listed(&html), ["TS20261120000001", "TS20261120000002"]);
    let (order, amount, remedy, excerpt, verified) = row_of(&html, "TS20261120000001");
    assert_eq!(
        (order.as_str(), amount.as_deref(), remedy.as_str(), verified),
        ("DY4829301756", Some("¥1299.50"), "退货退款", true)
    );
    assert!(excerpt.ends_with('…'));
    assert_eq!(row_of(&html, "TS20261120000002").1, None);
    let overdue =
        parse(&html).select_attrs("li.complaint-row time[data-deadline=response][data-overdue=true]", "datetime");
    assert_eq!(overdue.len(), 2, "each row says its deadline passed: {html}");
    assert!(html.contains("已等待 1 小时 0 分"), "the waiting time is still there");
}

#[test]
fn a_merchant_finds_its_own_complaints_by_reference_order_number_and_phone_and_never_anothers() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let b = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    ComplaintBuilder::new(a).order_ref("DY1001").phone("13800138000").file(&app); // 1
    ComplaintBuilder::new(a).order_ref("DY1002").phone("13912345678").file(&app); // 2
    // Another merchant's, with the same order number and the same phone.
    ComplaintBuilder::new(b).order_ref("DY1001").phone("+86 138 0013 8000").file(&app); // 3
    let staff = app.merchant_staff(a);
    let found = |q: &str| {
        let page = search(&staff, "/merchant", q);
        assert_eq!(page.status, StatusCode::OK, "{q}");
        listed(&page.body)
    };

    assert_eq!(found("TS20261120000002"), ["TS20261120000002"]);
    assert_eq!(found(" ts2026 1120 000002 "), ["TS20261120000002"], "spaces and lower case");
    assert_eq!(found("DY1002"), ["TS20261120000002"]);
    assert_eq!(found("dy1001"), ["TS20261120000001"], "its own only, in any case");
    for phone in ["13800138000", "138 0013 8000", "+86 13800138000", "138-0013-8000"] {
        assert_eq!(found(phone), ["TS20261120000001"], "{phone}");
    }
    // B's complaint, by its reference: not found, and the page says so.
    let page = search(&staff, "/merchant", "TS20261120000003");
    assert_eq!((page.status, listed(&page.body)), (StatusCode::OK, vec![]));
    let outcome = page.html().select_text("[data-search-outcome]").unwrap();
    assert_eq!(outcome, "没有与“TS20261120000003”匹配的投诉。");
    assert!(
        !page.body.contains("TS20261120000003</a>") && !page.body.contains("/merchant/complaints/TS20261120000003")
    );
    assert_eq!(found("DY9999"), Vec::<String>::new());
    // What was found is counted; the box keeps the query.
    let page = search(&staff, "/merchant", "138 0013 8000");
    assert_eq!(page.html().select_text("[data-search-outcome]").unwrap(), "与“138 0013 8000”匹配的投诉：1 件。");
    assert_eq!(input_value(&page.body, "q").as_deref(), Some("138 0013 8000"));
    // The rows found link to the complaint page.
    let href = page.html().select_attr("li.complaint-row a.reference", "href");
    assert_eq!(href.as_deref(), Some("/merchant/complaints/TS20261120000001"));
}

#[test]
fn a_supervisor_finds_any_complaint_in_any_state() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let b = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    ComplaintBuilder::new(a).order_ref("DY1001").phone("13800138000").file(&app);
    ComplaintBuilder::new(b).order_ref("DY1001").phone("+86 138 0013 8000").category("price_fraud").file(&app);
    ComplaintBuilder::new(b).order_ref("KS7").phone("13912345678").file(&app);
    let boss = app.supervisor();
    assert!(listed(&boss.get("/supervisor").body).is_empty(), "nothing escalated: the queue is empty");
    let found = |q: &str| listed(&search(&boss, "/supervisor", q).body);

    assert_eq!(found("DY1001"), ["TS20261120000002", "TS20261120000001"], "newest first, both merchants");
    for phone in ["13800138000", "138 0013 8000", "+86 13800138000", "138-0013-8000"] {
        assert_eq!(found(phone), ["TS20261120000002", "TS20261120000001"], "{phone}");
    }
    assert_eq!(found("ts20261120000003"), ["TS20261120000003"]);
    let page = search(&boss, "/supervisor", "KS7");
    let html = page.html();
    assert_eq!(html.select_attr("li.complaint-row [data-status]", "data-status").as_deref(), Some("submitted"));
    assert_eq!(
        html.select_attr("li.complaint-row a.reference", "href").as_deref(),
        Some("/supervisor/complaints/TS20261120000003")
    );
    assert_eq!(html.select_texts("li.complaint-row time[data-deadline=response]").len(), 1);
    // With the queue's filters kept: the category, the merchant.
    let filtered = boss.get_query("/supervisor", &[("q", "DY1001"), ("category", "price_fraud")]);
    assert_eq!(listed(&filtered.body), ["TS20261120000002"]);
    let hidden = filtered.html().select_attrs("form.list-search input[type=hidden][name=category]", "value");
    assert_eq!(hidden, ["price_fraud"], "the search box sends the filter again");
    let kept = filtered.html().select_attrs("form.filters input[type=hidden][name=q]", "value");
    assert_eq!(kept, ["DY1001"], "the filters send the search again");
    let by_merchant = boss.get_query("/supervisor", &[("q", "13800138000"), ("merchant", &a.to_string())]);
    assert_eq!(listed(&by_merchant.body), ["TS20261120000001"]);
}

#[test]
fn a_query_that_is_nothing_to_look_up_is_refused_in_words_with_the_box_kept() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).overdue().file(&app);
    app.sweep();
    let staff = app.merchant_staff(m);
    let boss = app.supervisor();
    let long = "DY".to_owned() + &"1".repeat(70);
    for (client, path) in [(&staff, "/merchant"), (&boss, "/supervisor")] {
        for (q, said) in [
            ("羽绒服 退款", "请输入投诉编号（TS 开头）、订单号或消费者手机号；不能按投诉内容的文字查找。"),
            ("<b>x</b>", "请输入投诉编号（TS 开头）、订单号或消费者手机号；不能按投诉内容的文字查找。"),
            (long.as_str(), "最多 64 个字符：投诉编号、订单号和手机号都不会更长。"),
        ] {
            let page = search(client, path, q);
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {q}");
            assert_eq!(field_error(&page.body, "q").as_deref(), Some(said), "{path} {q}");
            assert_eq!(input_value(&page.body, "q").as_deref(), Some(q), "{path}: the box keeps what was typed");
            assert!(listed(&page.body).is_empty(), "{path}: no rows under a refused query");
            assert!(!page.body.contains("<b>x</b>"), "escaped");
        }
    }
    let page = staff.get_query("/merchant", &[("q", "羽绒服"), ("lang", "en")]);
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = field_error(&page.body, "q").unwrap();
    assert!(said.starts_with("Type a complaint reference (TS…), an order number"), "{said}");
    // An empty box is no search: the list as it is.
    assert_eq!(listed(&search(&staff, "/merchant", "  ").body), ["TS20261120000001"]);
}

#[test]
fn a_search_pages_through_everything_it_found_once_with_the_filters_kept() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    {
        let mut conn = app.pool.get().unwrap();
        for i in 0..30 {
            let category = if i % 10 == 0 { "delivery" } else { "false_advertising" };
            let c = ComplaintBuilder::new(m).phone("13800138000").order_ref(&format!("DY{i}")).category(category);
            c.insert(&mut conn, &app.config, app.clock.now() + Duration::minutes(i));
            ComplaintBuilder::new(other).phone("13800138000").insert(&mut conn, &app.config, app.clock.now());
        }
    }
    let staff = app.merchant_staff(m);
    let mut seen = Vec::new();
    let mut next = Some("/merchant?q=138-0013-8000".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let page = staff.get(&path);
        assert_eq!(page.status, StatusCode::OK, "{path}");
        seen.extend(listed(&page.body));
        next = page.html().select_attr("a[rel=next]", "href");
        if let Some(href) = &next {
            assert!(href.contains("q=138-0013-8000"), "the next page searches the same: {href}");
        }
        pages += 1;
    }
    assert_eq!(pages, 2);
    assert_eq!(seen.len(), 30, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 30, "each once");
    let mut newest_first = seen.clone();
    newest_first.sort_by(|a, b| b[10..].cmp(&a[10..]));
    assert_eq!(seen, newest_first, "newest first");

    // The dashboard's filters narrow a search.
    let page = staff.get_query("/merchant", &[("q", "13800138000"), ("category", "delivery")]);
    assert_eq!(listed(&page.body).len(), 3);
    assert_eq!(page.html().select_text("[data-search-outcome]").unwrap(), "与“13800138000”匹配的投诉：3 件。");
}

//! The public register's pages through the real server (issue 24): only
//! consented, due, unhidden cases are listed or shown, scrubbed and
//! without anything of the consumer's but what they wrote; the filters,
//! the pages of twenty, refused filters, and the links to it from the
//! scorecards and the home page.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::live::{ProductCategory, Review};
use redress::domain::register::PublicResponse;
use ureq::http::StatusCode;

use crate::helpers::*;

/// The references `/cases?{query}` lists, in order.
fn listed(app: &TestApp, query: &str) -> Vec<String> {
    let page = app.get(&format!("/cases{query}"));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.html().select_attrs("[data-case]", "data-case")
}

/// The merchant answers `reference` publicly with `body`.
fn answer(staff: &Client, reference: &str, body: &str, visibility: &str) {
    let page = format!("/merchant/complaints/{reference}");
    let res = staff.submit(&page, &format!("{page}/reply"), &[("body", body), ("visibility", visibility)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// Five complaints of one merchant, each a way of being (not) published:
/// consented and answered; consented, unanswered, not yet 15 days old;
/// never consented; consented then withdrawn; consented then hidden.
pub struct Five {
    pub merchant: i64,
    pub filed: Vec<Filed>,
    pub refs: Vec<String>,
}

pub fn five(app: &TestApp) -> Five {
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(app);
    let descriptions = [
        "=主播说羽绒服是90%白鸭绒，收到后掉毛严重，我叫王芳，电话13800138000。",
        "直播间说买二送一，只收到一件保温杯，客服不回复。",
        "面膜少发了一盒，要求补发。",
        "口红断了，直播间承诺七天无理由，商家拒绝退货。",
        "围巾颜色和直播间展示的差别很大。",
    ];
    let filed: Vec<Filed> = descriptions
        .iter()
        .enumerate()
        .map(|(i, d)| ComplaintBuilder::new(merchant).description(d).phone(&format!("1380013800{i}")).file(app))
        .collect();
    let refs: Vec<String> = filed.iter().map(|f| f.reference(app)).collect();
    for (i, f) in filed.iter().enumerate() {
        if i != 2 {
            app.consent(f, true);
        }
    }
    let staff = app.merchant_staff(merchant);
    answer(&staff, &refs[0], "您好王芳，已为您安排退货，请寄回至杭州市西湖区文三路 90 号。", "public");
    answer(&staff, &refs[0], "内部：这位顾客上个月也退过货", "internal");
    for r in &refs[2..] {
        answer(&staff, r, "已收到，正在核实。", "public");
    }
    app.consent(&filed[3], false);
    app.hide_case(&filed[4]);
    app.public_response(&filed[0], PublicResponse::Settled);
    app.clock.advance(Duration::hours(1));
    Five { merchant, filed, refs }
}

#[test]
fn only_consented_due_and_unhidden_cases_are_published_and_the_rest_are_not_found() {
    let app = spawn_app();
    let f = five(&app);
    assert_eq!(listed(&app, ""), [f.refs[0].as_str()]);
    for r in &f.refs[1..] {
        let res = app.get(&format!("/cases/{r}"));
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{r}");
    }
    // Not published and no such case read the same.
    let nothing = app.get("/cases/TS20261120999999");
    assert_eq!(nothing.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/cases/{}", f.refs[2])).body.len(), nothing.body.len());

    // Fifteen days after filing, the unanswered consented one is due too.
    app.clock.advance(Duration::days(15));
    assert_eq!(listed(&app, ""), [f.refs[1].as_str(), f.refs[0].as_str()], "newest first");
    for r in &f.refs[2..] {
        assert_eq!(app.get(&format!("/cases/{r}")).status, StatusCode::NOT_FOUND, "{r}");
    }
    // Consent withdrawn: gone at once.
    app.consent(&f.filed[1], false);
    assert_eq!(listed(&app, ""), [f.refs[0].as_str()]);
    assert_eq!(app.get(&format!("/cases/{}", f.refs[1])).status, StatusCode::NOT_FOUND);
}

#[test]
fn a_published_case_shows_what_happened_scrubbed_and_nothing_of_the_consumers_but_their_words() {
    let app = spawn_app();
    let f = five(&app);
    let page = app.get(&format!("/cases/{}?lang=en", f.refs[0]));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.html();
    assert_eq!(html.select_attr("[data-merchant]", "href"), Some(format!("/merchants/{}", f.merchant)));
    assert_eq!(html.select_text("[data-category]").as_deref(), Some("False advertising"));
    assert_eq!(html.select_text("[data-amount]").as_deref(), Some("¥299.00"));
    assert_eq!(html.select_attr("[data-public-response]", "data-public-response").as_deref(), Some("settled"));
    let said = html.select_text("[data-public-response] .register-case__response");
    assert_eq!(said.as_deref(), Some("Settled with the consumer"), "in the reader's language");
    let narrative = html.select_text("[data-narrative]").unwrap();
    assert!(narrative.contains("掉毛严重"), "{narrative}");
    assert!(!narrative.contains("王芳") && !narrative.contains("13800138000"), "{narrative}");
    let texts = html.select_texts("[data-text]");
    assert_eq!(texts.len(), 1, "the public reply only, never the internal note: {texts:?}");
    assert!(texts[0].contains("已为您安排退货") && !texts[0].contains("王芳"), "{texts:?}");
    let kinds = html.select_attrs("[data-deadline-kind]", "data-deadline-kind");
    assert_eq!(kinds, ["response", "resolution"]);
    assert_eq!(html.select_attr("[data-deadline=response]", "data-met").as_deref(), Some("true"), "answered in time");
    // Nothing of the consumer's: name, contact, order number, tracking link.
    let secrets = ["王芳", "13800138000", "WangFang@Example.com", "wangfang@example.com", "DY4829301756"];
    for secret in secrets.into_iter().chain([f.filed[0].token()]) {
        assert!(!page.body.contains(secret), "{secret} on the public page");
    }
    assert!(!page.body.contains("上个月也退过货"), "no internal note");
    assert!(!page.body.contains("/evidence/"), "no evidence");
}

#[test]
fn the_host_s_real_name_is_scrubbed_and_the_room_and_product_are_shown() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").categories(&["beauty"]).build(&app);
    let product = live::product(&app, merchant, ProductCategory::Cosmetics, Review::Approved);
    let (room, host) = (live::room(&app, merchant), live::host(&app, merchant, false));
    let session = live::session(&app, merchant, (room, host), &[product], app.clock.now() - Duration::hours(3));
    let filed = ComplaintBuilder::new(merchant)
        .field("product", &product.to_string())
        .field("live_session", &session.to_string())
        .description("主播林晓星说这款精华能祛斑，用了两周脸上起红疹。")
        .file(&app);
    app.consent(&filed, true);
    app.clock.advance(Duration::days(16));
    let reference = filed.reference(&app);
    let page = app.get(&format!("/cases/{reference}"));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.html();
    assert!(!page.body.contains("林晓星"), "the host's real name is scrubbed");
    assert!(html.select_text("[data-narrative]").unwrap().contains("起红疹"));
    assert!(html.select_text("[data-room]").unwrap().contains("测试直播间"));
    assert!(html.select_text("[data-product-name]").unwrap().contains("测试商品"));
    // And the product's category filters it.
    assert_eq!(listed(&app, "?product_category=cosmetics"), [reference.as_str()]);
    assert!(listed(&app, "?product_category=food").is_empty());
}

#[test]
fn the_filters_narrow_the_list() {
    let app = spawn_app();
    let (a, b) = (app.merchant("杭州星河优选电子商务有限公司"), app.merchant("成都蜀香源食品有限公司"));
    let first = ComplaintBuilder::new(a).category("delivery").file(&app);
    app.clock.advance(Duration::days(2));
    let second = ComplaintBuilder::new(b).category("counterfeit").file(&app);
    let third = ComplaintBuilder::new(b).category("delivery").file(&app);
    for f in [&first, &second, &third] {
        app.consent(f, true);
    }
    // The third withdrawn by the consumer (the complaint, not the consent).
    let res = app.submit(third.path(), &format!("{}/withdraw", third.path()), &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock.advance(Duration::days(16));
    let [r1, r2, r3] = [&first, &second, &third].map(|f| f.reference(&app));
    assert_eq!(listed(&app, ""), [r3.as_str(), r2.as_str(), r1.as_str()]);
    assert_eq!(listed(&app, &format!("?merchant={b}")), [r3.as_str(), r2.as_str()]);
    assert_eq!(listed(&app, "?category=delivery"), [r3.as_str(), r1.as_str()]);
    assert_eq!(listed(&app, &format!("?merchant={b}&category=delivery")), [r3.as_str()]);
    assert_eq!(listed(&app, "?state=finished"), [r3.as_str()]);
    assert_eq!(listed(&app, "?state=open"), [r2.as_str(), r1.as_str()]);
    assert_eq!(listed(&app, "?state=withdrawn"), [r3.as_str()]);
    // Days in Shanghai: the first was filed on the 20th, the others on the 22nd.
    assert_eq!(listed(&app, "?to=2026-11-20"), [r1.as_str()]);
    assert_eq!(listed(&app, "?from=2026-11-21"), [r3.as_str(), r2.as_str()]);
    assert_eq!(listed(&app, "?from=2026-11-22&to=2026-11-22&category=counterfeit"), [r2.as_str()]);
    assert!(listed(&app, "?from=2026-11-23").is_empty());
    let page = app.get(&format!("/cases?merchant={b}")).html();
    assert_eq!(page.select_text("[data-filter-merchant] strong").as_deref(), Some("成都蜀香源食品有限公司"));
}

#[test]
fn pages_of_twenty_follow_the_cursor_newest_first() {
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let mut filed = Vec::new();
    {
        let mut conn = app.pool.get().unwrap();
        for i in 0..25 {
            let at = app.clock.now() + Duration::minutes(i);
            filed.push(ComplaintBuilder::new(merchant).order_ref(&format!("DY{i:010}")).insert(
                &mut conn,
                &app.config,
                at,
            ));
        }
    }
    for f in &filed {
        app.consent(f, true);
    }
    app.clock.advance(Duration::days(16));
    let refs: Vec<String> = filed.iter().rev().map(|f| f.reference(&app)).collect();
    let first = app.get("/cases?category=false_advertising");
    let html = first.html();
    let on_first = html.select_attrs("[data-case]", "data-case");
    assert_eq!(on_first, refs[..20]);
    let next = html.select_attr("a[rel=next]", "href").expect("a next page");
    assert!(next.starts_with("/cases?category=false_advertising&before="), "{next}");
    let second = app.get(&next).html();
    assert_eq!(second.select_attrs("[data-case]", "data-case"), refs[20..]);
    assert!(second.select_attr("a[rel=next]", "href").is_none(), "the last page");
    assert_eq!(second.select_attr("a[rel=first]", "href").as_deref(), Some("/cases?category=false_advertising"));
}

#[test]
fn filters_that_cannot_be_read_are_refused_with_what_was_typed() {
    let app = spawn_app();
    let res = app.get_query("/cases", &[("from", "2026-13-01"), ("category", "nope"), ("q", "羽绒服"), ("lang", "en")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(field_error(&res.body, "from").as_deref(), Some("Write the day as year-month-day, such as 2026-11-01."));
    assert!(field_error(&res.body, "category").is_some());
    assert_eq!(input_value(&res.body, "from").as_deref(), Some("2026-13-01"), "what was typed is kept");
    assert_eq!(input_value(&res.body, "q").as_deref(), Some("羽绒服"));
    let html = parse(&res.body);
    assert_eq!(html.select_attr("select#category option[selected]", "value").as_deref(), Some("nope"));
    let long = "假".repeat(61);
    let cases: [(&[(&str, &str)], &str); 7] = [
        (&[("to", "2026-11-01"), ("from", "2026-11-30")], "to"),
        (&[("q", &long)], "q"),
        (&[("q", "！？")], "q"),
        (&[("state", "lost")], "state"),
        (&[("product_category", "guns")], "product_category"),
        (&[("merchant", "999999")], "merchant"),
        (&[("merchant", "12abc")], "merchant"),
    ];
    for (query, field) in cases {
        let res = app.get_query("/cases", query);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query:?}");
        assert!(field_error(&res.body, field).is_some(), "{query:?}: a message at {field}");
    }
    let res = app.get("/cases?before=x");
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(parse(&res.body).select_text("[data-form-errors]").is_some());
}

#[test]
fn each_scorecard_links_to_its_published_cases_and_the_home_page_to_all() {
    let app = spawn_app();
    let f = five(&app);
    let card = app.get(&format!("/merchants/{}", f.merchant)).html();
    let link = card.select_first("[data-published-cases] a").expect("a link to the cases");
    assert_eq!(link.attr("href"), Some(format!("/cases?merchant={}", f.merchant).as_str()));
    assert_eq!(link.text().collect::<String>(), "查看这个商家的公示投诉（1 件）");
    let other = app.merchant("成都蜀香源食品有限公司");
    let card = app.get(&format!("/merchants/{other}")).html();
    assert!(card.select_text("[data-published-cases] a").unwrap().contains("（0 件）"));
    let home = app.get("/").html();
    assert_eq!(home.select_attr("main a[data-link=cases]", "href").as_deref(), Some("/cases"));
    assert!(home.select_attrs("nav a", "href").contains(&"/cases".to_owned()), "in the header's links");
}

#[test]
fn the_privacy_notice_says_what_is_published_when_and_how_to_withdraw_in_both_languages() {
    let app = spawn_app();
    for (lang, days, evidence, withdraw) in [
        ("zh-CN", "提交满 15 天后", "证据材料", "撤回同意"),
        ("en", "15 days after you filed it", "evidence you upload", "withdraw your agreement"),
    ] {
        let page = app.get(&format!("/privacy?lang={lang}")).html();
        let section = page.select_first("[data-privacy-register]").expect("a section on the register");
        let text: String = section.text().collect();
        assert!(section.select_text("[data-register-when]").unwrap().contains(days), "{lang}: {text}");
        assert!(section.select_text("[data-register-evidence]").unwrap().contains(evidence), "{lang}: {text}");
        assert!(section.select_text("[data-register-withdraw]").unwrap().contains(withdraw), "{lang}: {text}");
        assert!(
            section.select_text("[data-register-scrubbed]").is_some()
                && section.select_text("[data-register-response]").is_some()
        );
        assert_eq!(section.select_attr("[data-register-withdraw] a", "href").as_deref(), Some("/track"));
    }
}

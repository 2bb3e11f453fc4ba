//! Live commerce on the public scorecard and in the supervisors' export:
//! a merchant's rooms, hosts and sold products, each with the complaints
//! naming it in the last year (counted by hand here) and the measures in
//! force on it; a host by the name used on stream, never the real one.

use chrono::{DateTime, Duration, Utc};
use redress::clock::Clock;
use redress::domain::live::{HostKind, Platform, ProductCategory, Review};
use redress::domain::staff::Role;
use redress::service::review;
use redress::store::live::{self, NewHost, NewRoom};
use ureq::http::StatusCode;

use crate::export_injection::parse_csv;
use crate::helpers::live::{product, session};
use crate::helpers::*;

fn room(app: &TestApp, merchant: i64, name: &str) -> i64 {
    let new = NewRoom { platform: Platform::Kuaishou, name, room_ref: name };
    live::insert_room(&mut app.pool.get().unwrap(), merchant, &new, app.clock.now()).unwrap()
}

fn host(app: &TestApp, merchant: i64, display_name: &str, real_name: &str) -> i64 {
    let new = NewHost { display_name, real_name, kind: HostKind::Influencer, agency: None, medical_staff: false };
    live::insert_host(&mut app.pool.get().unwrap(), merchant, &new, app.clock.now()).unwrap()
}

fn supervisor_id(app: &TestApp) -> i64 {
    let email = app.staff(Role::Supervisor, None);
    redress::store::users::find_by_email(&mut app.pool.get().unwrap(), &email).unwrap().unwrap().id
}

/// Files a complaint through the form naming `product` and `session`.
fn complain(app: &TestApp, merchant: i64, product: Option<i64>, session: Option<i64>) {
    let mut c = ComplaintBuilder::new(merchant);
    if let Some(p) = product {
        c = c.field("product", &p.to_string());
    }
    if let Some(s) = session {
        c = c.field("live_session", &s.to_string());
    }
    c.file(app);
}

fn product_name(app: &TestApp, id: i64) -> String {
    live::find_product(&mut app.pool.get().unwrap(), id).unwrap().unwrap().name
}

/// The complaint count shown on the item with element id `id`.
fn count(page: &scraper::Html, id: &str) -> String {
    page.select_attr(&format!("#{id} [data-complaints]"), "data-complaints").unwrap_or_else(|| panic!("{id} listed"))
}

#[test]
fn the_scorecard_lists_rooms_hosts_and_products_with_their_complaints_of_the_year_and_measures() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let sup = supervisor_id(&app);
    let (a, b) = (room(&app, m, "星河一号直播间"), room(&app, m, "星河二号直播间"));
    let (h, h2) = (host(&app, m, "小星", "林晓星"), host(&app, m, "暖暖", "何暖暖"));
    let p1 = product(&app, m, ProductCategory::General, Review::Approved);
    let p2 = product(&app, m, ProductCategory::HealthFood, Review::Approved);
    let pending = product(&app, m, ProductCategory::General, Review::Pending);
    let rejected = product(&app, m, ProductCategory::General, Review::Rejected);

    // A year and a day ago: a complaint about p1 in a session of room a
    // with host h. It counts nowhere now.
    let s0 = session(&app, m, (a, h), &[p1], app.clock.now() - Duration::days(1));
    complain(&app, m, Some(p1), Some(s0));
    app.clock.advance(Duration::days(366));
    let now = app.clock.now();

    let s1 = session(&app, m, (a, h), &[p1], now - Duration::days(2));
    let s2 = session(&app, m, (b, h2), &[p1, p2], now - Duration::days(1));
    let s3 = session(&app, m, (a, h2), &[], now - Duration::days(3));
    complain(&app, m, Some(p1), Some(s1)); // p1, a, h
    complain(&app, m, Some(p1), Some(s2)); // p1, b, h2
    complain(&app, m, Some(p2), Some(s2)); // p2, b, h2
    complain(&app, m, None, Some(s3)); //     a, h2
    complain(&app, m, Some(p1), None); //     p1
    complain(&app, m, None, None); //         the merchant only
    complain(&app, m, None, Some(s1)); //     a, h

    // Another merchant's, named in a complaint of its own.
    let (their_room, their_host) = (room(&app, other, "美颜堂护肤直播"), host(&app, other, "颜姐", "陈丽华"));
    let theirs = product(&app, other, ProductCategory::Cosmetics, Review::Approved);
    let their_session = session(&app, other, (their_room, their_host), &[theirs], now - Duration::days(1));
    complain(&app, other, Some(theirs), Some(their_session));

    // The measures, after the complaints that led to them.
    let mut conn = app.pool.get().unwrap();
    review::decide(&mut conn, &app.config, p2, "delist", "宣称降血压，保健食品不得宣称疾病治疗功能。", sup, now)
        .unwrap();
    review::room_measure(&mut conn, &app.config, b, "cut", "多次引导消费者私下转账，断播整改。", sup, now).unwrap();
    review::host_measure(&mut conn, &app.config, h, "ban", "冒充医生推荐保健食品。", sup, now).unwrap();
    drop(conn);

    let html = app.client().get(&format!("/merchants/{m}")).body;
    let page = parse(&html);
    // By hand: p1 c1 c2 c5 (not the old one); p2 c3; a c1 c4 c7; b c2 c3;
    // h c1 c7; h2 c2 c3 c4.
    assert_eq!(count(&page, &format!("product-{p1}")), "3");
    assert_eq!(count(&page, &format!("product-{p2}")), "1");
    assert_eq!(count(&page, &format!("room-{a}")), "3");
    assert_eq!(count(&page, &format!("room-{b}")), "2");
    assert_eq!(count(&page, &format!("host-{h}")), "2");
    assert_eq!(count(&page, &format!("host-{h2}")), "3");
    assert!(page.select_text(&format!("#product-{p1}")).unwrap().contains("近一年投诉 3 件"));

    // Where each stands.
    assert_eq!(page.select_attr(&format!("#room-{a}"), "data-room-status").as_deref(), Some("active"));
    assert_eq!(page.select_attr(&format!("#room-{b}"), "data-room-status").as_deref(), Some("cut"));
    assert_eq!(page.select_attr(&format!("#host-{h}"), "data-host-status").as_deref(), Some("banned"));
    assert_eq!(page.select_attr(&format!("#host-{h2}"), "data-host-status").as_deref(), Some("active"));
    assert_eq!(page.select_attr(&format!("#product-{p1}"), "data-review").as_deref(), Some("approved"));
    assert_eq!(page.select_attr(&format!("#product-{p2}"), "data-review").as_deref(), Some("delisted"));
    let names = page.select_texts(".live-list__name");
    for (id, shown) in [(a, "星河一号直播间"), (b, "星河二号直播间"), (h, "小星"), (h2, "暖暖")] {
        assert!(names.iter().any(|n| n == shown), "{id} {shown}: {names:?}");
    }
    assert!(html.contains("快手"), "the room's platform");
    assert!(page.select_text(&format!("#host-{h}")).unwrap().contains("已封禁"));

    // Measures in force, each with its kind and reason, on the item.
    let measure = |id: String| page.select_texts(&format!("#{id} [data-measure]")).join("|");
    assert!(measure(format!("product-{p2}")).contains("宣称降血压，保健食品不得宣称疾病治疗功能。"));
    assert!(measure(format!("product-{p2}")).contains("商品下架"), "{}", measure(format!("product-{p2}")));
    assert!(measure(format!("room-{b}")).contains("多次引导消费者私下转账，断播整改。"));
    assert!(measure(format!("host-{h}")).contains("冒充医生推荐保健食品。"));
    assert_eq!(measure(format!("room-{a}")), "", "no measure on room a");
    assert_eq!(measure(format!("product-{p1}")), "");
    // … and not as if on the merchant itself.
    assert!(page.select_first(".alert[role=status]:not([data-measure])").is_none(), "no banner for the merchant");

    // Not sold, not shown; another merchant's, not here; no real name.
    for hidden in [product_name(&app, pending), product_name(&app, rejected), product_name(&app, theirs)] {
        assert!(!names.contains(&hidden), "{hidden} is not on the scorecard: {names:?}");
    }
    assert_eq!(names.len(), 6, "two rooms, two hosts, two products: {names:?}");
    assert!(page.select_first(&format!("#product-{pending}")).is_none());
    assert!(page.select_attrs("[data-review]", "data-review").iter().all(|r| r == "approved" || r == "delisted"));
    for real in ["林晓星", "何暖暖", "林**", "何**", "颜姐"] {
        assert!(!html.contains(real), "{real} is not on the scorecard");
    }

    // The other merchant's scorecard counts its own complaint only.
    let theirs_page = parse(&app.client().get(&format!("/merchants/{other}")).body);
    assert_eq!(count(&theirs_page, &format!("product-{theirs}")), "1");
    assert_eq!(count(&theirs_page, &format!("room-{their_room}")), "1");
    assert_eq!(count(&theirs_page, &format!("host-{their_host}")), "1");
    // A merchant with no live rooms shows no such section.
    let plain = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let plain = app.client().get(&format!("/merchants/{plain}")).body;
    assert!(plain.contains("近一年没有处罚记录") && !plain.contains("data-section=\"live\""));
}

/// A measure lifted is no longer in force: the item shows none, and the
/// record names what it was on.
#[test]
fn a_lifted_measure_moves_to_the_record_named_by_what_it_was_on() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let sup = supervisor_id(&app);
    let r = room(&app, m, "星河一号直播间");
    let now = app.clock.now();
    let mut conn = app.pool.get().unwrap();
    review::room_measure(&mut conn, &app.config, r, "limit", "直播中夸大宣传。", sup, now).unwrap();
    let limited = parse(&app.client().get(&format!("/merchants/{m}")).body);
    assert_eq!(limited.select_attr(&format!("#room-{r}"), "data-room-status").as_deref(), Some("limited"));
    assert!(limited.select_text(&format!("#room-{r} [data-measure]")).unwrap().contains("直播中夸大宣传。"));
    review::room_measure(&mut conn, &app.config, r, "restore", "已整改。", sup, now + Duration::hours(1)).unwrap();
    drop(conn);
    let html = app.client().get(&format!("/merchants/{m}")).body;
    let page = parse(&html);
    assert_eq!(page.select_attr(&format!("#room-{r}"), "data-room-status").as_deref(), Some("active"));
    assert!(page.select_first(&format!("#room-{r} [data-measure]")).is_none(), "not in force");
    let record = page.select_texts(".timeline__title").join("|");
    assert!(record.contains("直播间：星河一号直播间 · "), "{record}");
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[test]
fn the_export_adds_product_session_room_and_host_at_the_end() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let r = room(&app, m, "星河一号直播间");
    // Whatever a merchant typed is defused in the new columns too.
    let h = host(&app, m, "=HYPERLINK(\"http://evil.example/\",\"小星\")", "林晓星");
    let p = product(&app, m, ProductCategory::General, Review::Approved);
    // 20:30 in Beijing.
    let s = session(&app, m, (r, h), &[p], at("2026-11-19T12:30:00Z"));
    complain(&app, m, Some(p), Some(s));
    complain(&app, m, None, None);

    let boss = app.client();
    assert_eq!(boss.sign_in(&app.staff(Role::Supervisor, None), PASSWORD).status, StatusCode::SEE_OTHER);
    let res = boss.get("/supervisor/export.csv?lang=en");
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains("林晓星") && !res.body.contains("林**"), "never the host's real name");
    let rows = parse_csv(res.body.trim_start_matches('\u{feff}'));
    assert_eq!(rows.len(), 3, "{rows:?}");
    let header = &rows[0];
    assert_eq!(header.len(), 31, "the collective case, the relief, the read receipt and the register after them");
    // The columns there were keep their places.
    assert_eq!(
        (header[0].as_str(), header[2].as_str(), header[16].as_str()),
        ("Date received", "Merchant", "What happened")
    );
    assert_eq!(header[17..21], ["Product", "Live session (start)", "Live room", "Host"]);
    assert_eq!(header[21], "Collective case");
    assert_eq!(
        header[22..26],
        ["Relief", "Relief amount (yuan)", "Compensation paid first (yuan)", "Consumer confirmed receipt"]
    );
    assert_eq!(header[26], "Merchant first viewed");
    let (plain, named) = (&rows[1], &rows[2]);
    assert_eq!(named.len(), 31);
    assert_eq!(
        named[17..21],
        [
            product_name(&app, p),
            "2026-11-19 20:30".into(),
            "星河一号直播间".into(),
            "'=HYPERLINK(\"http://evil.example/\",\"小星\")".into()
        ]
    );
    assert_eq!(plain[17..22], ["", "", "", "", ""], "a complaint that names none, in no case");
    assert_eq!(plain[22..27], ["", "", "", "", ""], "and not ended: no relief; never opened by the merchant");

    let zh = boss.get("/supervisor/export.csv?lang=zh-CN");
    let header = &parse_csv(zh.body.trim_start_matches('\u{feff}'))[0];
    assert_eq!(header[17..22], ["商品", "直播场次（开播时间）", "直播间", "主播", "集体投诉"]);
    assert_eq!(header[22..27], ["解决结果", "补偿金额（元）", "先行赔付（元）", "消费者确认到账", "商家首次查看时间"]);
}

/// The demo's live commerce, on the scorecards it seeds.
#[test]
fn the_demo_scorecards_show_its_rooms_hosts_and_products() {
    let app = spawn_app();
    let mut conn = app.pool.get().unwrap();
    redress::service::demo::seed(&mut conn, &app.config, app.clock.now()).unwrap();
    let mut id = |name: &str| redress::store::merchants::search(&mut conn, name, 0, 2).unwrap()[0].id;
    let (xh, my, jg) = (id("星河优选"), id("美颜堂"), id("极光数码"));
    drop(conn);
    let card = |m: i64| {
        let html = app.client().get(&format!("/merchants/{m}")).body;
        (parse(&html), html)
    };
    let item = |page: &scraper::Html, name: &str| {
        let found = page
            .select_all(".live-list > li")
            .into_iter()
            .find(|li| li.select_text(".live-list__name").as_deref() == Some(name));
        found.unwrap_or_else(|| panic!("{name} listed")).value().attr("id").unwrap().to_owned()
    };

    let (page, html) = card(my);
    let cream = item(&page, "焕颜修护面霜");
    assert_eq!(page.select_attr(&format!("#{cream}"), "data-review").as_deref(), Some("delisted"));
    assert_eq!(count(&page, &cream), "1", "the second demo complaint names it");
    assert!(page.select_text(&format!("#{cream} [data-measure]")).unwrap().contains("化妆品不得宣称医疗作用"));
    assert_eq!(count(&page, &item(&page, "美颜堂护肤直播")), "1");
    assert_eq!(count(&page, &item(&page, "颜姐")), "1");
    assert_eq!(count(&page, &item(&page, "王医生说护肤")), "0");
    assert_eq!(count(&page, &item(&page, "玻尿酸补水面膜")), "0");
    for real in ["陈丽华", "王建平"] {
        assert!(!html.contains(real), "{real}");
    }

    let (page, _) = card(jg);
    let room = item(&page, "极光数码直播间");
    assert_eq!(page.select_attr(&format!("#{room}"), "data-room-status").as_deref(), Some("limited"));
    assert!(page.select_text(&format!("#{room} [data-measure]")).unwrap().contains("加微信私下转账"));

    let (page, html) = card(xh);
    assert_eq!(count(&page, &item(&page, "90%白鸭绒加厚羽绒服")), "1");
    assert_eq!(count(&page, &item(&page, "小星")), "1");
    assert!(!html.contains("羊绒混纺围巾"), "waiting for review");
    assert!(!html.contains("林晓星") && !html.contains("何暖"));
}

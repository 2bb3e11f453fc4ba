//! The merchant registers its live rooms, hosts, products and sessions:
//! every field checked at once, each refusal with its reason next to the
//! field and what was typed kept (422), each item on its own page, and
//! another merchant's a 404.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::live::{ProductCategory, Review};
use ureq::http::StatusCode;

use crate::helpers::live::{self, ban, cut};
use crate::helpers::*;

fn merchant(app: &TestApp) -> (i64, Client) {
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(app);
    (m, app.merchant_staff(m))
}

#[test]
fn a_room_a_host_and_a_product_are_registered_and_each_has_its_page() {
    let app = spawn_app();
    let (m, staff) = merchant(&app);
    let res = staff.submit(
        "/merchant/rooms",
        "/merchant/rooms",
        &[("platform", "douyin"), ("name", "星河优选官方直播间"), ("room_ref", "https://live.douyin.com/7301928475")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let rooms = staff.get("/merchant/rooms?done=registered");
    assert!(rooms.body.contains("已登记"), "the notice");
    let html = rooms.html();
    assert_eq!(html.select_attr("[data-room]", "data-room-status").as_deref(), Some("active"));
    let href = html.select_attr("[data-room] a", "href").expect("the room links to its page");
    let page = staff.get(&href);
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("星河优选官方直播间") && page.body.contains("live.douyin.com/7301928475"));
    assert!(page.body.contains("data-room-status=\"active\""));

    let res = staff.submit(
        "/merchant/hosts",
        "/merchant/hosts",
        &[
            ("display_name", "暖暖姐"),
            ("real_name", "何暖"),
            ("kind", "influencer"),
            ("agency", "杭州星芒文化传媒"),
            ("medical_staff", "1"),
        ],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let hosts = staff.get("/merchant/hosts").html();
    assert_eq!(hosts.select_attr("[data-host]", "data-host-status").as_deref(), Some("active"));
    let host_page = staff.get(&hosts.select_attr("[data-host] a", "href").unwrap());
    assert!(host_page.body.contains("何暖"), "the merchant's own staff see the real name");
    assert!(host_page.body.contains("杭州星芒文化传媒") && host_page.body.contains("医务人员"));

    let res = staff.submit(
        "/merchant/products",
        "/merchant/products",
        &[
            ("name", "蜂胶软胶囊"),
            ("product_category", "health_food"),
            ("claims", "增强免疫力"),
            ("licence", "国食健注G20190123"),
        ],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let products = staff.get("/merchant/products").html();
    assert_eq!(products.select_attr("[data-product]", "data-review").as_deref(), Some("pending"), "waits for review");

    // Another merchant's staff find none of them.
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let theirs = app.merchant_staff(other);
    assert_eq!(theirs.get(&href).status, StatusCode::NOT_FOUND);
    assert!(!theirs.get("/merchant/rooms").body.contains("星河优选官方直播间"));
    for path in ["/merchant/hosts/999999", "/merchant/products/1x", "/merchant/sessions/0"] {
        assert_eq!(staff.get(path).status, StatusCode::NOT_FOUND, "{path}");
    }
    let _ = m;
}

#[test]
fn every_field_is_checked_at_once_and_what_was_typed_is_kept() {
    let app = spawn_app();
    let (_, staff) = merchant(&app);
    let res = staff.submit(
        "/merchant/rooms",
        "/merchant/rooms",
        &[("platform", "tiktok"), ("name", ""), ("room_ref", "<b>x</b>")],
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["platform", "name", "room_ref"] {
        assert!(field_error(&res.body, f).is_some(), "{f} has its message");
    }
    assert_eq!(input_value(&res.body, "room_ref").as_deref(), Some("<b>x</b>"), "kept, escaped");

    let product =
        [("name", "蜂胶软胶囊"), ("product_category", "health_food"), ("claims", "增强免疫力"), ("licence", "")];
    let res = staff.submit("/merchant/products", "/merchant/products", &product);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "licence").as_deref(), Some("这一类商品必须填写注册证或许可证编号。"));
    assert_eq!(input_value(&res.body, "name").as_deref(), Some("蜂胶软胶囊"));
    assert_eq!(textarea_value(&res.body, "claims").as_deref(), Some("增强免疫力"));
    assert!(res.body.contains("value=\"health_food\" selected"));

    let host = [("display_name", "小星"), ("real_name", "林晓星"), ("kind", "own_staff"), ("agency", "某MCN")];
    let res = staff.submit("/merchant/hosts", "/merchant/hosts?lang=en", &host);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let en = staff.submit("/merchant/hosts?lang=en", "/merchant/hosts", &host);
    assert!(
        field_error(&en.body, "agency").is_some_and(|e| e.contains("Your own staff have no agency")),
        "in the user's language: {:?}",
        field_error(&en.body, "agency")
    );

    let res = staff.submit(
        "/merchant/sessions?lang=zh-CN",
        "/merchant/sessions",
        &[("started_at", "明天晚上"), ("ended_at", "")],
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["room", "host", "started_at", "ended_at", "products"] {
        assert!(field_error(&res.body, f).is_some(), "{f} has its message");
    }
    assert_eq!(input_value(&res.body, "started_at").as_deref(), Some("明天晚上"));

    // A room registered twice is a message, not a failure.
    let room = [("platform", "kuaishou"), ("name", "美颜堂护肤直播"), ("room_ref", "meiyantang")];
    assert_eq!(staff.submit("/merchant/rooms", "/merchant/rooms", &room).status, StatusCode::SEE_OTHER);
    let again = staff.submit("/merchant/rooms", "/merchant/rooms", &room);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&again.body, "room_ref").as_deref(), Some("这个直播间已经登记过了。"));

    // Without the page's token: refused, nothing stored.
    let forged = staff.post(
        "/merchant/rooms",
        &[("csrf_token", "forged"), ("platform", "douyin"), ("name", "伪造"), ("room_ref", "x1")],
    );
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

/// The session form as a merchant sends it: room, host, times, products.
fn session_form<'a>(room: &'a str, host: &'a str, products: &'a [String]) -> Vec<(&'static str, &'a str)> {
    let mut f =
        vec![("room", room), ("host", host), ("started_at", "2026-11-20T20:00"), ("ended_at", "2026-11-20T22:30")];
    f.extend(products.iter().map(|p| ("products", p.as_str())));
    f
}

#[test]
fn a_session_features_approved_products_on_an_open_room_with_an_allowed_host() {
    let app = spawn_app();
    let (m, staff) = merchant(&app);
    let room = live::room(&app, m);
    let host = live::host(&app, m, false);
    let doctor = live::host(&app, m, true);
    let jacket = live::product(&app, m, ProductCategory::General, Review::Approved);
    let capsules = live::product(&app, m, ProductCategory::HealthFood, Review::Approved);
    let pending = live::product(&app, m, ProductCategory::General, Review::Pending);
    let rejected = live::product(&app, m, ProductCategory::General, Review::Rejected);
    let delisted = live::product(&app, m, ProductCategory::Cosmetics, Review::Delisted);
    let (room_s, host_s, doctor_s) = (room.to_string(), host.to_string(), doctor.to_string());

    let form = staff.get("/merchant/sessions");
    let offered = form.html().select_attrs("input[name=products]", "value");
    assert_eq!(offered, vec![capsules.to_string(), jacket.to_string()], "only approved products are offered");

    let ok = [jacket.to_string(), capsules.to_string()];
    let res = staff.submit("/merchant/sessions", "/merchant/sessions", &session_form(&room_s, &host_s, &ok));
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = staff.get("/merchant/sessions").html();
    let page = staff.get(&list.select_attr("[data-session] a", "href").expect("listed with its page"));
    assert!(page.body.contains("2026年11月20日 20:00"), "in the deployment’s zone: {}", page.body);
    assert_eq!(
        page.html().select_attrs("[data-product]", "data-product"),
        vec![jacket.to_string(), capsules.to_string()]
    );

    // Products that are not approved, each named with where it stands.
    let not_yet = [jacket.to_string(), pending.to_string(), rejected.to_string(), delisted.to_string()];
    let res = staff.submit("/merchant/sessions", "/merchant/sessions", &session_form(&room_s, &host_s, &not_yet));
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let why = field_error(&res.body, "products").unwrap();
    assert!(why.starts_with("只有审核通过的商品才能在直播中推荐"), "{why}");
    assert!(why.contains("待审核") && why.contains("未通过") && why.contains("已下架"), "{why}");
    assert_eq!(input_value(&res.body, "started_at").as_deref(), Some("2026-11-20T20:00"), "kept");

    // A medical-staff host may not sell health food; with general goods they may.
    let res = staff.submit("/merchant/sessions", "/merchant/sessions", &session_form(&room_s, &doctor_s, &ok));
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "host").unwrap().contains("医务人员"));
    let general = [jacket.to_string()];
    let res = staff.submit("/merchant/sessions", "/merchant/sessions", &session_form(&room_s, &doctor_s, &general));
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // A cut room and a banned host: both reasons at once.
    cut(&app, room);
    ban(&app, host);
    let res = staff.submit("/merchant/sessions", "/merchant/sessions", &session_form(&room_s, &host_s, &general));
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "room").as_deref(), Some("这个直播间已被平台断播，不能安排新的直播。"));
    assert_eq!(field_error(&res.body, "host").as_deref(), Some("这位主播已被平台封禁，不能安排新的直播。"));
    assert_eq!(
        staff.get("/merchant/sessions").html().select_attrs("[data-session]", "data-session").len(),
        2,
        "nothing more stored"
    );
}

#[test]
fn another_merchants_room_host_or_product_cannot_be_put_on_a_session() {
    let app = spawn_app();
    let (m, staff) = merchant(&app);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let (room, host) = (live::room(&app, m), live::host(&app, m, false));
    let mine = live::product(&app, m, ProductCategory::General, Review::Approved);
    let (their_room, their_host) = (live::room(&app, other), live::host(&app, other, false));
    let theirs = live::product(&app, other, ProductCategory::General, Review::Approved);
    let (their_room, their_host) = (their_room.to_string(), their_host.to_string());
    let res = staff.submit(
        "/merchant/sessions",
        "/merchant/sessions",
        &session_form(&their_room, &their_host, &[theirs.to_string()]),
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["room", "host", "products"] {
        assert_eq!(field_error(&res.body, f).as_deref(), Some("没有找到，请从列表中选择。"), "{f}");
    }
    let mixed = [mine.to_string(), theirs.to_string()];
    let res = staff.submit(
        "/merchant/sessions",
        "/merchant/sessions",
        &session_form(&room.to_string(), &host.to_string(), &mixed),
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let theirs_session = live::session(
        &app,
        other,
        (live::room(&app, other), live::host(&app, other, false)),
        &[theirs],
        app.clock.now() - Duration::hours(3),
    );
    assert_eq!(staff.get(&format!("/merchant/sessions/{theirs_session}")).status, StatusCode::NOT_FOUND);
}

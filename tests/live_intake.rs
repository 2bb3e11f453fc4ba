//! The complaint form names the product and the live session: offered
//! once the merchant is known (without JavaScript too), checked, stored
//! with the session's room and host.

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::live::{HostKind, Platform, ProductCategory, Review};
use redress::store::live::{self, NewHost, NewProduct, NewRoom, NewSession};
use redress::store::schema::{complaints, products};
use ureq::http::StatusCode;

use crate::helpers::{ComplaintBuilder, DESCRIPTION, Markup, MerchantBuilder, TestApp, spawn_app, textarea_value};

struct Live {
    approved: i64,
    pending: i64,
    recent: i64,
    old: i64,
    room: i64,
    host: i64,
}

fn product(app: &TestApp, merchant: i64, name: &str, review: Review) -> i64 {
    let mut conn = app.pool.get().unwrap();
    let p = NewProduct { name, category: ProductCategory::General, claims: "纯羊毛", licence: None };
    let id = live::insert_product(&mut conn, merchant, &p, app.clock.now()).unwrap();
    diesel::update(products::table.find(id)).set(products::review.eq(review)).execute(&mut conn).unwrap();
    id
}

fn fixtures(app: &TestApp, merchant: i64) -> Live {
    let approved = product(app, merchant, "羊毛大衣", Review::Approved);
    let pending = product(app, merchant, "待审围巾", Review::Pending);
    let mut conn = app.pool.get().unwrap();
    let now = app.clock.now();
    let room = live::insert_room(
        &mut conn,
        merchant,
        &NewRoom { platform: Platform::Douyin, name: "星河直播间", room_ref: "dy123" },
        now,
    )
    .unwrap();
    let h = NewHost {
        display_name: "小星",
        real_name: "张三丰",
        kind: HostKind::OwnStaff,
        agency: None,
        medical_staff: false,
    };
    let host = live::insert_host(&mut conn, merchant, &h, now).unwrap();
    let session = |start| NewSession {
        room_id: room,
        host_id: host,
        started_at: start,
        ended_at: start + Duration::hours(2),
        products: &[],
    };
    let recent = live::insert_session(&mut conn, merchant, &session(now - Duration::days(2)), now).unwrap();
    let old = live::insert_session(&mut conn, merchant, &session(now - Duration::days(40)), now).unwrap();
    Live { approved, pending, recent, old, room, host }
}

fn offered(body: &str, name: &str, id: i64) -> bool {
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse(&format!("select[name=\"{name}\"] option[value=\"{id}\"]")).unwrap();
    doc.select(&sel).next().is_some()
}

#[test]
fn the_form_offers_the_chosen_merchants_products_and_recent_sessions_and_files_them() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let other = MerchantBuilder::new("义乌小商品有限公司").build(&app);
    let l = fixtures(&app, merchant);
    let theirs = product(&app, other, "别家的商品", Review::Approved);

    let page = app.get(&format!("/complaints/new?merchant={merchant}"));
    assert_eq!(page.status, StatusCode::OK);
    assert!(offered(&page.body, "product", l.approved), "approved product offered");
    assert!(!offered(&page.body, "product", l.pending), "pending product not offered");
    assert!(!offered(&page.body, "product", theirs), "another merchant's not offered");
    assert!(offered(&page.body, "live_session", l.recent), "recent session offered");
    assert!(!offered(&page.body, "live_session", l.old), "a session older than 30 days is not");
    assert!(page.body.contains("星河直播间 · 小星 · "), "a session reads room · host · start");

    // Without JavaScript: the button re-renders, everything typed kept.
    let shown = ComplaintBuilder::new(merchant).field("find", "products").submit(&app);
    assert_eq!(shown.status, StatusCode::OK);
    assert!(offered(&shown.body, "product", l.approved));
    assert_eq!(textarea_value(&shown.body, "description").as_deref(), Some(DESCRIPTION), "kept");

    // Another merchant's product: 422, next to the field.
    let wrong = ComplaintBuilder::new(merchant).field("product", &theirs.to_string()).submit(&app);
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("请从列表里选这个商家的商品"), "says why");
    let old = ComplaintBuilder::new(merchant).field("live_session", &l.old.to_string()).submit(&app);
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY, "an old session is refused");

    let filed = ComplaintBuilder::new(merchant)
        .field("product", &l.approved.to_string())
        .field("live_session", &l.recent.to_string())
        .submit(&app);
    assert_eq!(filed.status, StatusCode::SEE_OTHER);
    let mut conn = app.pool.get().unwrap();
    let row: (Option<i64>, Option<i64>, Option<i64>, Option<i64>) = complaints::table
        .filter(complaints::merchant_id.eq(merchant))
        .select((complaints::product_id, complaints::live_session_id, complaints::room_id, complaints::host_id))
        .first(&mut conn)
        .unwrap();
    assert_eq!(row, (Some(l.approved), Some(l.recent), Some(l.room), Some(l.host)));
}

#[test]
fn the_tracking_page_names_the_room_and_the_host_masked_and_staff_pages_name_the_product() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let l = fixtures(&app, merchant);
    let filed = ComplaintBuilder::new(merchant)
        .field("product", &l.approved.to_string())
        .field("live_session", &l.recent.to_string())
        .file(&app);
    let tracking = app.get(filed.path()).html();
    assert_eq!(tracking.select_text("[data-room]").as_deref(), Some("星河直播间（抖音）"));
    assert_eq!(tracking.select_text("[data-host]").as_deref(), Some("小星（张**）"), "the real name masked");
    assert_eq!(tracking.select_text("[data-product-name]").as_deref(), Some("羊毛大衣"));
    assert!(!app.get(filed.path()).body.contains("张三丰"));

    let staff = app.merchant_staff(merchant);
    let reference = filed.reference(&app);
    let mine = staff.get(&format!("/merchant/complaints/{reference}"));
    assert_eq!(mine.html().select_text("[data-product-name]").as_deref(), Some("羊毛大衣"));
    assert!(mine.html().select_text("[data-session]").is_some());
    assert!(!mine.body.contains("张三丰"), "merchants' pages mask it too");
    let supervisor = app.supervisor();
    let theirs = supervisor.get(&format!("/supervisor/complaints/{reference}")).html();
    assert_eq!(theirs.select_text("[data-host]").as_deref(), Some("小星（张三丰）"), "supervisors see it whole");

    // A complaint naming nothing shows none of it.
    let plain = ComplaintBuilder::new(merchant).file(&app);
    let page = app.get(plain.path()).html();
    assert!(page.select_text("[data-room]").is_none() && page.select_text("[data-product-name]").is_none());
}

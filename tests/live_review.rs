//! A supervisor's review of products and measures on rooms and hosts, at
//! the service level (the pages are not built yet): states, the action on
//! the merchant's record, the merchant's notice, and an action's end
//! putting the thing back.

use redress::clock::Clock;
use redress::domain::live::Target;
use redress::domain::live::{HostKind, HostStatus, Platform, ProductCategory, Review, RoomStatus};
use redress::service::{actions as action_service, review};
use redress::store::actions;
use redress::store::live::{self, NewHost, NewProduct, NewRoom};

use crate::helpers::{MerchantBuilder, TestApp, spawn_app};
use redress::domain::staff::Role;

fn eml_files(app: &TestApp) -> Vec<String> {
    let dir = app.config.data_dir.join("outbox");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A new staff account's user id.
fn user(app: &TestApp, role: Role, merchant: Option<i64>) -> i64 {
    let email = app.staff(role, merchant);
    redress::store::users::find_by_email(&mut app.pool.get().unwrap(), &email).unwrap().unwrap().id
}

fn product(app: &TestApp, merchant: i64, name: &str) -> i64 {
    let p =
        NewProduct {
            name, category: ProductCategory::HealthFood, claims: "根治高血压", licence: Some("食健备G2023")
        };
    live::insert_product(&mut app.pool.get().unwrap(), merchant, &p, app.clock.now()).unwrap()
}

#[test]
fn product_review_delist_and_a_granted_appeal_puts_it_back() {
    let app = spawn_app();
    let m = MerchantBuilder::new("好物直播").build(&app);
    let p = product(&app, m, "护心胶囊");
    let (sup, staff) = (user(&app, Role::Supervisor, None), user(&app, Role::Merchant, Some(m)));
    let mut conn = app.pool.get().unwrap();
    let now = app.clock.now();
    // A delisting of a pending product does not fit its state.
    assert!(matches!(
        review::decide(&mut conn, &app.config, p, "delist", "夸大宣传", sup, now),
        Err(review::ReviewError::State)
    ));
    // A rejection needs a reason.
    assert!(matches!(
        review::decide(&mut conn, &app.config, p, "reject", "", sup, now),
        Err(review::ReviewError::Reason)
    ));
    review::decide(&mut conn, &app.config, p, "approve", "", sup, now).unwrap();
    assert_eq!(live::find_product(&mut conn, p).unwrap().unwrap().review, Review::Approved);
    review::decide(&mut conn, &app.config, p, "delist", "宣称根治高血压", sup, now).unwrap();
    assert_eq!(live::find_product(&mut conn, p).unwrap().unwrap().review, Review::Delisted);
    let on = actions::on_target(&mut conn, Target::Product, p).unwrap();
    assert_eq!(on.len(), 1);
    assert_eq!(on[0].merchant_id, m);
    drop(conn);
    app.dispatch();
    let mails = eml_files(&app);
    assert_eq!(mails.len(), 2, "approve and delist, one notice each");
    assert!(!mails.is_empty());

    // The merchant appeals and a supervisor grants it: approved again.
    let mut conn = app.pool.get().unwrap();
    let windows = redress::domain::action::AppealWindows::default();
    action_service::start_appeal(&mut conn, m, on[0].id, staff, windows, now).unwrap();
    action_service::submit_appeal(&mut conn, m, on[0].id, "我们已修改宣传内容，不再宣称疗效。", "", windows, now)
        .unwrap();
    let appeal = actions::appeal_for(&mut conn, on[0].id).unwrap().unwrap();
    action_service::decide_appeal(&mut conn, &app.config, m, appeal.id, Some(true), "已整改", sup, now).unwrap();
    assert_eq!(live::find_product(&mut conn, p).unwrap().unwrap().review, Review::Approved);
}

#[test]
fn room_limit_cut_restore_and_host_ban_restore() {
    let app = spawn_app();
    let m = MerchantBuilder::new("好物直播").build(&app);
    let sup = user(&app, Role::Supervisor, None);
    let mut conn = app.pool.get().unwrap();
    let now = app.clock.now();
    let room = NewRoom { platform: Platform::Douyin, name: "好物直播间", room_ref: "dy123" };
    let r = live::insert_room(&mut conn, m, &room, now).unwrap();
    let host = NewHost {
        display_name: "小美",
        real_name: "王小美",
        kind: HostKind::OwnStaff,
        agency: None,
        medical_staff: false,
    };
    let h = live::insert_host(&mut conn, m, &host, now).unwrap();

    review::room_measure(&mut conn, &app.config, r, "limit", "虚假宣传", sup, now).unwrap();
    assert_eq!(live::find_room(&mut conn, r).unwrap().unwrap().status, RoomStatus::Limited);
    review::room_measure(&mut conn, &app.config, r, "cut", "再次违规", sup, now).unwrap();
    assert_eq!(live::find_room(&mut conn, r).unwrap().unwrap().status, RoomStatus::Cut);
    let on = actions::on_target(&mut conn, Target::Room, r).unwrap();
    assert_eq!(on.iter().filter(|a| a.ended_at.is_none()).count(), 1, "the cut ended the limit");
    assert!(matches!(
        review::room_measure(&mut conn, &app.config, r, "cut", "再次违规", sup, now),
        Err(review::ReviewError::State)
    ));
    review::room_measure(&mut conn, &app.config, r, "restore", "已整改", sup, now).unwrap();
    assert_eq!(live::find_room(&mut conn, r).unwrap().unwrap().status, RoomStatus::Active);
    assert!(actions::on_target(&mut conn, Target::Room, r).unwrap().iter().all(|a| a.ended_at.is_some()));

    assert!(matches!(
        review::host_measure(&mut conn, &app.config, h, "ban", "", sup, now),
        Err(review::ReviewError::Reason)
    ));
    review::host_measure(&mut conn, &app.config, h, "ban", "医疗人员带货", sup, now).unwrap();
    assert_eq!(live::find_host(&mut conn, h).unwrap().unwrap().status, HostStatus::Banned);
    // Lifting the ban through the merchant page's lift path restores the host.
    let ban = actions::on_target(&mut conn, Target::Host, h).unwrap().remove(0);
    action_service::lift(&mut conn, m, ban.id, "申诉材料已核实", sup, now).unwrap();
    assert_eq!(live::find_host(&mut conn, h).unwrap().unwrap().status, HostStatus::Active);
    assert!(matches!(
        review::host_measure(&mut conn, &app.config, 999_999, "ban", "理由充分", sup, now),
        Err(review::ReviewError::NotFound)
    ));
    drop(conn);
    app.dispatch();
    assert_eq!(eml_files(&app).len(), 4, "limit, cut, restore, ban: one notice each");
}

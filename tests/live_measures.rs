//! Supervisors' measures on a merchant's products, rooms and hosts through
//! the real server: each with its reason, on the merchant's record with a
//! banner while it applies, told by mail and SMS, appealable under the
//! same rules as an action on the merchant, and lifted by a granted
//! appeal; refusals keep the reason typed.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::live::{ProductCategory, Review};
use ureq::http::StatusCode;

use crate::helpers::live;
use crate::helpers::*;

fn outbox(app: &TestApp, ext: &str) -> Vec<String> {
    let dir = app.config.data_dir.join("outbox");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == ext))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn a_delisted_product_is_shown_to_the_merchant_and_a_granted_appeal_puts_it_back_on_sale() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let p = live::product(&app, m, ProductCategory::Cosmetics, Review::Approved);
    let supervisor = app.supervisor();
    let page = format!("/supervisor/products/{p}");
    let shown = supervisor.get(&page);
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("data-review=\"approved\""));
    assert_eq!(shown.html().select_attrs("button[name=decision]", "value"), vec!["delist"], "what fits its state");

    // A delisting needs its reason: refused, the page again, nothing done.
    let res = supervisor.submit(&page, &page, &[("decision", "delist"), ("reason", " ")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("请写明原因"), "{}", res.body);
    assert!(res.body.contains("data-review=\"approved\""));
    let why = "宣称“七天淡斑”，与备案功效不符。";
    let res = supervisor.submit(&page, &page, &[("decision", "restore"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::CONFLICT, "an approved product is not restored");
    assert_eq!(textarea_value(&res.body, "reason").as_deref(), Some(why), "the reason kept");
    let res = supervisor.submit(&page, &page, &[("decision", "delist"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.clone().unwrap(), format!("{page}?done=decided"));
    let shown = supervisor.get(&page);
    assert!(shown.body.contains("data-review=\"delisted\""));
    assert!(shown.body.contains(why), "the measure with its reason");

    // The merchant: a banner naming the product, the measure on its record.
    let staff = app.merchant_staff(m);
    let name = staff.get(&format!("/merchant/products/{p}")).html().select_texts("h1").remove(0);
    let dashboard = staff.get("/merchant").html();
    let on = dashboard.select_texts("[data-banner-on]");
    assert_eq!(on, vec![format!("商品：{name}")]);
    let mine = staff.get(&format!("/merchant/products/{p}"));
    assert!(mine.body.contains("data-measure=\"in-force\""));
    assert!(mine.body.contains(why));
    let actions = staff.get("/merchant/actions").html();
    assert_eq!(actions.select_texts("[data-action-on]"), vec![format!("商品：{name}")]);
    app.dispatch();
    assert_eq!(outbox(&app, "eml").len(), 1, "the merchant is told, once");

    // It appeals; a supervisor grants the appeal: back on sale, no banner.
    let action = actions.select_attr("[data-action]", "data-action").unwrap();
    let res = staff.submit("/merchant/actions", &format!("/merchant/actions/{action}/appeal"), &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{action}/appeal/submit"),
        &[("statement", "已按备案功效修改宣传，删去“七天淡斑”，附修改后的页面截图。")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let admin = format!("/supervisor/merchants/{m}");
    let record = supervisor.get(&admin);
    assert!(record.html().select_texts("[data-action-on]").contains(&format!("商品：{name}")));
    let decide = record.html().select_attr("form[action*='/appeals/']", "action").expect("an appeal to decide");
    let res = supervisor.submit(&admin, &decide, &[("decision", "grant"), ("reason", "已整改。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(supervisor.get(&page).body.contains("data-review=\"approved\""));
    assert!(staff.get("/merchant").html().select_texts("[data-banner-on]").is_empty());
}

#[test]
fn rooms_are_limited_cut_and_restored_and_hosts_banned_each_with_a_reason() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let (room, host) = (live::room(&app, m), live::host(&app, m, false));
    let featured = live::product(&app, m, ProductCategory::Food, Review::Approved).to_string();
    let supervisor = app.supervisor();
    let room_page = format!("/supervisor/rooms/{room}");
    assert_eq!(supervisor.get(&room_page).html().select_attrs("button[name=measure]", "value"), vec!["limit", "cut"]);
    let res = supervisor.submit(&room_page, &room_page, &[("measure", "restore"), ("reason", "误判")]);
    assert_eq!(res.status, StatusCode::CONFLICT, "an active room has nothing to restore");
    let res = supervisor.submit(&room_page, &room_page, &[("measure", "limit"), ("reason", "")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = supervisor.submit(&room_page, &room_page, &[("measure", "shut"), ("reason", "直播中诱导私下转账")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "no such measure");
    let res = supervisor.submit(&room_page, &room_page, &[("measure", "limit"), ("reason", "直播中诱导私下转账")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(supervisor.get(&room_page).body.contains("data-room-status=\"limited\""));
    let res = supervisor.submit(&room_page, &room_page, &[("measure", "cut"), ("reason", "再次诱导私下转账")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(supervisor.get(&room_page).body.contains("data-room-status=\"cut\""));

    // A cut room cannot go on a new session.
    let staff = app.merchant_staff(m);
    let start = app.clock.now() + Duration::days(1);
    let local =
        |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&app.config.tz).format("%Y-%m-%dT%H:%M").to_string();
    let session = |room: i64, host: i64| {
        let (room, host) = (room.to_string(), host.to_string());
        let fields = [
            ("room", room.as_str()),
            ("host", host.as_str()),
            ("started_at", &local(start)),
            ("ended_at", &local(start + Duration::hours(2))),
            ("products", featured.as_str()),
        ];
        staff.submit("/merchant/sessions", "/merchant/sessions", &fields)
    };
    assert_eq!(session(room, host).status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = supervisor.submit(&room_page, &room_page, &[("measure", "restore"), ("reason", "已整改")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(supervisor.get(&room_page).body.contains("data-room-status=\"active\""));
    let res = session(room, host);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "restored: sessions again: {}", res.body);

    // A host is banned; the supervisor sees the real name, the merchant's
    // record says which host.
    let host_page = format!("/supervisor/hosts/{host}");
    let shown = supervisor.get(&host_page);
    assert!(shown.body.contains("林晓星"), "supervisors see the real name in full");
    let res = supervisor.submit(&host_page, &host_page, &[("measure", "ban"), ("reason", "冒充医生推销保健品")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(supervisor.get(&host_page).body.contains("data-host-status=\"banned\""));
    assert_eq!(session(room, host).status, StatusCode::UNPROCESSABLE_ENTITY, "a banned host");
    let record = supervisor.get(&format!("/supervisor/merchants/{m}")).html();
    assert_eq!(record.select_attrs("[data-room-status]", "data-room-status"), vec!["active"]);
    assert_eq!(record.select_attrs("[data-host-status]", "data-host-status"), vec!["banned"]);
    assert!(record.select_attrs("a[href^='/supervisor/hosts/']", "href").contains(&host_page));
    let banners = staff.get("/merchant").html().select_texts("[data-banner-on]");
    assert_eq!(banners.len(), 1, "the ban; the room's measures have ended: {banners:?}");
    assert!(banners[0].starts_with("主播："));
    let audit = supervisor.get("/supervisor/audit");
    assert!(audit.body.contains("measure_taken") || audit.body.contains("处理"), "on the audit log");

    // Only supervisors; another's id is a 404; a forged form is refused.
    assert_ne!(staff.get(&host_page).status, StatusCode::OK);
    assert_ne!(staff.post(&host_page, &[("measure", "restore"), ("reason", "自行解封")]).status, StatusCode::SEE_OTHER);
    assert_eq!(supervisor.get("/supervisor/rooms/999999").status, StatusCode::NOT_FOUND);
    assert_eq!(supervisor.get("/supervisor/hosts/abc").status, StatusCode::NOT_FOUND);
    let forged = supervisor.post(&host_page, &[("csrf_token", "forged"), ("measure", "restore"), ("reason", "x")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[test]
fn a_merchant_with_a_phone_is_told_of_measures_by_sms_and_a_bad_number_is_refused() {
    let app = spawn_app();
    let supervisor = app.supervisor();
    let form = "/supervisor/merchants/new";
    let code = redress::domain::credit_code::CreditCode::complete("91330106MA2H3K9Q").unwrap();
    let fields = |phone: &'static str| {
        vec![
            ("name", "杭州云裳服饰有限公司".to_owned()),
            ("credit_code", code.as_str().to_owned()),
            ("email", "kefu@yunshang.example.cn".to_owned()),
            ("categories", "apparel".to_owned()),
            ("phone", phone.to_owned()),
        ]
    };
    let send = |phone: &'static str| {
        let f = fields(phone);
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        supervisor.submit(form, "/supervisor/merchants", &f)
    };
    let res = send("1380013");
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "phone").is_some(), "next to the field: {}", res.body);
    assert_eq!(input_value(&res.body, "phone").as_deref(), Some("1380013"), "kept");
    assert_eq!(input_value(&res.body, "name").as_deref(), Some("杭州云裳服饰有限公司"));
    let res = send("138 0013 8000");
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let admin = res.location.clone().unwrap();
    let m: i64 = admin.trim_start_matches("/supervisor/merchants/").split('?').next().unwrap().parse().unwrap();
    assert!(supervisor.get(&format!("/supervisor/merchants/{m}")).body.contains("13800138000"));

    let host = live::host(&app, m, true);
    let host_page = format!("/supervisor/hosts/{host}");
    let res = supervisor.submit(&host_page, &host_page, &[("measure", "ban"), ("reason", "医务人员直播带货")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.dispatch();
    let sms = outbox(&app, "sms");
    let to_merchant: Vec<&String> = sms.iter().filter(|s| s.contains("To: +8613800138000")).collect();
    assert_eq!(to_merchant.len(), 1, "one text to the merchant: {sms:?}");
    assert!(to_merchant[0].contains("医务人员直播带货"), "with the reason");
}

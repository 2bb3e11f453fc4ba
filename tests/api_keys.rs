//! The key pages: merchant staff make and revoke their merchant's keys at
//! /merchant/api-keys, supervisors the platform's at /supervisor/api-keys;
//! a key is shown once.

use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;

/// The key shown on the answer to the form.
fn shown_key(page: &Page) -> String {
    parse(&page.body).select_text("code[data-api-key]").expect("the new key shown")
}

#[test]
fn merchant_staff_make_a_key_see_it_once_and_revoke_it() {
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let reference = ComplaintBuilder::new(merchant).file(&app).reference(&app);
    let staff = app.merchant_staff(merchant);
    let home = staff.get("/merchant");
    assert!(parse(&home.body).select_attrs("nav a", "href").contains(&"/merchant/api-keys".to_owned()));

    let refused = staff.submit("/merchant/api-keys", "/merchant/api-keys", &[("name", &"名".repeat(61))]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let doc = parse(&refused.body);
    assert_eq!(doc.select_attr("input[name=name]", "value"), Some("名".repeat(61)), "what was typed is kept");
    assert!(doc.select_text(".field-error").is_some());
    assert!(doc.select_first("code[data-api-key]").is_none());
    let forged = staff.post("/merchant/api-keys", &[("csrf_token", "forged"), ("name", "客服系统")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let made = staff.submit("/merchant/api-keys", "/merchant/api-keys", &[("name", "客服系统")]);
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let key = shown_key(&made);
    assert!(made.body.contains("不会再次显示"), "with the warning");
    let list = staff.get("/merchant/api-keys");
    assert!(!list.body.contains(&key[13..]), "never shown again");
    assert!(list.body.contains(&key[..12]), "its prefix identifies it");
    let row = parse(&list.body);
    let id = row.select_attr("tr[data-api-key-id]", "data-api-key-id").unwrap();
    assert!(list.body.contains("从未使用"));

    let api = ApiClient::new(&app, Some(&key));
    assert_eq!(api.get(&format!("/api/v1/complaints/{reference}")).status, StatusCode::OK);
    let list = staff.get("/merchant/api-keys?lang=en");
    assert!(parse(&list.body).select_first("time[data-last-used]").is_some(), "its last use shows");
    assert!(list.body.contains("API keys"));

    // Another merchant's staff cannot revoke it, nor a supervisor here.
    let other = app.merchant_staff(app.merchant("义乌某某日用品有限公司"));
    let theirs = other.submit("/merchant/api-keys", &format!("/merchant/api-keys/{id}/revoke"), &[]);
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let boss = app.supervisor();
    let platform = boss.submit("/supervisor/api-keys", &format!("/supervisor/api-keys/{id}/revoke"), &[]);
    assert_eq!(platform.status, StatusCode::NOT_FOUND, "a merchant's key is no platform key");
    assert_eq!(api.get(&format!("/api/v1/complaints/{reference}")).status, StatusCode::OK);
    let unforged = staff.post(&format!("/merchant/api-keys/{id}/revoke"), &[("csrf_token", "forged")]);
    assert_eq!(unforged.status, StatusCode::FORBIDDEN);

    let revoked = staff.submit("/merchant/api-keys", &format!("/merchant/api-keys/{id}/revoke"), &[]);
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    api.get(&format!("/api/v1/complaints/{reference}")).problem(StatusCode::UNAUTHORIZED, "unauthorized");
    let list = staff.get("/merchant/api-keys");
    assert_eq!(parse(&list.body).select_attr("tr[data-api-key-id]", "data-revoked").as_deref(), Some("true"));
    assert!(list.body.contains("Revoked"), "in the language chosen before");

    let log = boss.get("/supervisor/audit?kind=api_key_revoked");
    assert!(log.body.contains("客服系统"), "revoking is on the audit log");
    assert_eq!(app.client().get("/merchant/api-keys").status, StatusCode::SEE_OTHER, "sign-in first");
}

#[test]
fn supervisors_make_platform_keys_and_merchant_staff_cannot() {
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let reference = ComplaintBuilder::new(merchant).file(&app).reference(&app);
    let boss = app.supervisor();
    let made = boss.submit("/supervisor/api-keys", "/supervisor/api-keys", &[("name", "抖音订单页")]);
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let key = shown_key(&made);
    let c = ApiClient::new(&app, Some(&key)).get(&format!("/api/v1/complaints/{reference}"));
    assert_eq!(c.status, StatusCode::OK, "a platform key reads any complaint");

    let staff = app.merchant_staff(merchant);
    assert_eq!(staff.get("/supervisor/api-keys").status, StatusCode::FORBIDDEN);
    let list = boss.get("/supervisor/api-keys");
    assert!(parse(&list.body).select_attrs("nav a", "href").contains(&"/supervisor/api-keys".to_owned()));
    assert!(list.body.contains("抖音订单页"));
    // The merchant's own page lists only the merchant's keys.
    assert!(!staff.get("/merchant/api-keys").body.contains("抖音订单页"));
    let _ = app.staff(Role::Merchant, Some(merchant));
}

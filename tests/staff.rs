//! Staff sign-in: sessions, one answer for every failure, roles, CSRF,
//! and the `user add` command (the throttle: tests/signin.rs).

use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;

#[test]
fn merchant_staff_sign_in_reach_their_workbench_and_sign_out() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));

    let anonymous = app.get("/merchant");
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location.as_deref(), Some("/login?next=%2Fmerchant"));

    let login = app.get("/login?next=%2Fmerchant");
    assert!(login.body.contains("name=\"next\" value=\"/merchant\""));
    let res = app.submit(
        "/login?next=%2Fmerchant",
        "/login",
        &[("email", &email.to_uppercase()), ("password", PASSWORD), ("next", "/merchant")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/merchant"));
    let cookie = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("redress_session="));
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "not over plain http");

    let dashboard = app.get("/merchant");
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("杭州星河优选电子商务有限公司"));
    assert!(dashboard.body.contains(&email), "the header says who is signed in");
    assert_eq!(app.get("/login").location.as_deref(), Some("/merchant"), "already signed in");

    let out = app.submit("/merchant", "/logout", &[]);
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/merchant").status, StatusCode::SEE_OTHER, "signed out");
}

#[test]
fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    let wrong = app.sign_in(&email, "not the password at all");
    let unknown = app.sign_in("nobody@example.cn", PASSWORD);
    for res in [&wrong, &unknown] {
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("邮箱或密码不正确。"));
    }
    assert_eq!(input_value(&wrong.body, "email").as_deref(), Some(email.as_str()), "the e-mail is kept");
    assert!(!wrong.body.contains("not the password at all"), "the password is never echoed");
}

#[test]
fn each_role_only_reaches_its_own_part() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let staff = app.merchant_staff(merchant);
    assert_eq!(staff.get("/supervisor").status, StatusCode::FORBIDDEN);
    assert!(staff.get("/supervisor").body.contains("无法完成操作"));

    let supervisor = app.client();
    let res = supervisor.sign_in(&app.staff(Role::Supervisor, None), PASSWORD);
    assert_eq!(res.location.as_deref(), Some("/supervisor"));
    let queue = supervisor.get("/supervisor");
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("督办队列"));
    assert_eq!(supervisor.get("/merchant").status, StatusCode::FORBIDDEN);
    assert_eq!(app.client().get("/supervisor").location.as_deref(), Some("/login?next=%2Fsupervisor"));
}

#[test]
fn sign_in_needs_the_csrf_token_and_never_redirects_off_site() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    app.get("/login");
    let forged =
        app.post("/login", &[("csrf_token", "forged-token-forged-token"), ("email", &email), ("password", PASSWORD)]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("页面已过期"), "the page explains");
    assert_eq!(input_value(&forged.body, "email").as_deref(), Some(email.as_str()), "with a fresh form");

    let res = app.submit("/login", "/login", &[("email", &email), ("password", PASSWORD), ("next", "//evil.example/")]);
    assert_eq!(res.location.as_deref(), Some("/merchant"));
}

#[test]
fn signing_in_renews_the_session_and_the_csrf_token() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    let before = csrf(&app.get("/login").body);
    app.sign_in(&email, PASSWORD);
    let after = csrf(&app.get("/merchant").body);
    assert_ne!(before, after, "a new session gets a new CSRF token");
    // The old token no longer works for signing out.
    let stale = app.post("/logout", &[("csrf_token", &before)]);
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/merchant").status, StatusCode::OK, "still signed in");
}

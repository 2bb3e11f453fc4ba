//! Turning two-step sign-in on from the account page asks for the password
//! again: a session alone (a borrowed browser, a stolen cookie) must not
//! bind someone else's phone to the account.

use redress::clock::Clock;
use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::two_factor::{app_code, manual_key};

#[test]
fn enrolling_from_the_account_page_needs_the_password_with_the_code_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    assert_eq!(app.sign_in(&email, PASSWORD).status, StatusCode::SEE_OTHER);
    let page = app.get("/account/2fa");
    assert!(page.body.contains("autocomplete=\"current-password\""), "the password is asked");
    let code = app_code(&manual_key(&page.body), app.clock.now());

    for password in ["", "not my password at all"] {
        let refused = app.submit("/account/2fa", "/account/2fa", &[("code", &code), ("password", password)]);
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{password:?}");
        assert_eq!(field_error(&refused.body, "password").as_deref(), Some("密码不对，请输入您登录用的密码。"));
        assert_eq!(input_value(&refused.body, "code").as_deref(), Some(code.as_str()), "the code is kept");
    }
    assert!(!app.get("/account/2fa").body.contains("data-two-factor=\"on\""), "not turned on");

    let done = app.submit("/account/2fa", "/account/2fa", &[("code", &code), ("password", PASSWORD)]);
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(app.get("/account/2fa").body.contains("data-two-factor=\"on\""));
}

//! Two-step sign-in under attack: wrong codes spread over several
//! sign-ins, and a copy of the pending sign-in replayed after the right
//! code was entered.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::two_factor::{app_code, audit, enrol, sign_out, strict_app, wrong_code};

#[test]
fn wrong_codes_over_several_sign_ins_close_the_second_step_for_fifteen_minutes() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    app.sign_in(&email, PASSWORD);
    let (key, _) = enrol(&app, &app.browser, "/account/2fa", "/account/2fa");
    sign_out(&app, "/merchant");

    // Two sign-ins with the password, five wrong codes each: starting
    // again does not start the count again.
    for _ in 0..2 {
        app.sign_in(&email, PASSWORD);
        let wrong = wrong_code(&key, app.clock.now());
        let answers: Vec<StatusCode> =
            (0..5).map(|_| app.submit("/login/code", "/login/code", &[("code", &wrong)]).status).collect();
        assert_eq!(answers.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{answers:?}");
    }
    app.clock.advance(Duration::minutes(1));
    app.sign_in(&email, PASSWORD);
    let locked = app.submit("/login/code", "/login/code", &[("code", &app_code(&key, app.clock.now()))]);
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "even the right code: {}", locked.body);
    assert!(locked.body.contains("14 分钟后再试"), "{}", locked.body);
    assert!(locked.headers.get("retry-after").is_some());
    assert_eq!(app.get("/merchant").status, StatusCode::SEE_OTHER);

    app.clock.advance(Duration::minutes(14));
    app.sign_in(&email, PASSWORD);
    let ok = app.submit("/login/code", "/login/code", &[("code", &app_code(&key, app.clock.now()))]);
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(app.get("/merchant").status, StatusCode::OK);
}

/// The `redress_session=…` pair a response set.
fn session_cookie(res: &Page) -> String {
    let mut set = res.headers.get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_owned());
    let cookie = set.rfind(|c| c.starts_with("redress_session=")).expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
}

/// Posts `code` to `/login/code` from a browser that has only `cookie`.
fn replay_code(app: &TestApp, cookie: &str, code: &str) -> Page {
    let token = "abcdefghijklmnopqrstuvwx";
    let post = browser().post(app.url("/login/code")).header("Cookie", format!("{cookie}; redress_csrf={token}"));
    page(post.send_form([("csrf_token", token), ("code", code)]).unwrap())
}

#[test]
fn a_copy_of_the_pending_sign_in_opens_nothing_once_the_right_code_was_entered() {
    let app = strict_app();
    let email = app.staff(Role::Supervisor, None);
    app.sign_in(&email, PASSWORD);
    let (key, codes) = enrol(&app, &app.browser, "/login/enrol", "/login/enrol");
    sign_out(&app, "/supervisor");

    // With the app's code.
    let copy = session_cookie(&app.sign_in(&email, PASSWORD));
    app.clock.advance(Duration::seconds(30));
    let done = app.submit("/login/code", "/login/code", &[("code", &app_code(&key, app.clock.now()))]);
    assert_eq!(done.location.as_deref(), Some("/supervisor"), "{}", done.body);
    app.clock.advance(Duration::seconds(30));
    let replayed = replay_code(&app, &copy, &app_code(&key, app.clock.now()));
    assert_eq!(replayed.status, StatusCode::FORBIDDEN, "{:?} {}", replayed.location, replayed.body);
    sign_out(&app, "/supervisor");

    // With a recovery code.
    let copy = session_cookie(&app.sign_in(&email, PASSWORD));
    let done = app.submit("/login/code", "/login/code", &[("code", &codes[0])]);
    assert_eq!(done.location.as_deref(), Some("/supervisor"), "{}", done.body);
    let replayed = replay_code(&app, &copy, &codes[1]);
    assert_eq!(replayed.status, StatusCode::FORBIDDEN, "{:?} {}", replayed.location, replayed.body);
    assert_eq!(audit(&app, "recovery_code_used").len(), 1, "the second recovery code was not used");
}

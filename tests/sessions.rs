//! Staff sessions kept on the server: a cookie saved before signing out,
//! a password change or "sign out everywhere" opens nothing afterwards;
//! sessions end after 12 idle hours and after 7 days; the account page.

use chrono::Duration;
use diesel::prelude::*;
use redress::domain::staff::Role;
use redress::store::audit::{AuditFilter, AuditRow, list};
use ureq::http::StatusCode;

use crate::helpers::*;

/// The `redress_session=…` pair a response set.
fn session_cookie(res: &Page) -> String {
    let mut set = res.headers.get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_owned());
    let cookie = set.rfind(|c| c.starts_with("redress_session=")).expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
}

/// `path` from a browser that has nothing but `cookie`.
fn replay(app: &TestApp, cookie: &str, path: &str) -> Page {
    page(browser().get(app.url(path)).header("Cookie", cookie).call().unwrap())
}

/// A new browser signed in as `email`, and the session cookie it got.
fn signed_in(app: &TestApp, email: &str) -> (Client, String) {
    let client = app.client();
    let res = client.sign_in(email, PASSWORD);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    (client, session_cookie(&res))
}

fn audit(app: &TestApp, kind: &str) -> Vec<AuditRow> {
    let filter = AuditFilter { kind: Some(kind.into()), ..AuditFilter::default() };
    list(&mut app.pool.get().unwrap(), &filter, 100).unwrap()
}

/// The real session lifetimes (the other tests' sessions never end).
fn app_with_real_sessions() -> TestApp {
    spawn_app_with(|c| c.sessions = redress::domain::session::STAFF)
}

fn stored_sessions(app: &TestApp) -> i64 {
    use redress::store::schema::sessions;
    sessions::table.count().get_result(&mut app.pool.get().unwrap()).unwrap()
}

/// Waits (a few seconds at most) for the request just answered to have
/// written `last_seen_at`: the write runs after the answer.
fn touched(app: &TestApp) {
    use redress::store::schema::sessions;
    let now = redress::store::to_db(redress::clock::Clock::now(&app.clock));
    for _ in 0..500 {
        let seen: Vec<chrono::NaiveDateTime> =
            sessions::table.select(sessions::last_seen_at).load(&mut app.pool.get().unwrap()).unwrap();
        if seen.contains(&now) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("last_seen_at was not written");
}

fn refused(res: &Page, path: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let next = redress::error::encode_component(path);
    assert_eq!(res.location.as_deref(), Some(format!("/login?next={next}").as_str()));
}

#[test]
fn a_cookie_saved_before_signing_out_opens_nothing_afterwards() {
    let app = app_with_real_sessions();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    let (client, cookie) = signed_in(&app, &email);
    let before = replay(&app, &cookie, "/merchant");
    assert_eq!(before.status, StatusCode::OK, "the saved cookie works while signed in");
    assert!(before.body.contains("杭州星河优选电子商务有限公司"));

    let out = client.submit("/merchant", "/logout", &[]);
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location.as_deref(), Some("/login"));
    let after = replay(&app, &cookie, "/merchant");
    refused(&after, "/merchant");
    assert!(
        after
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("redress_session=;") || c.to_str().unwrap().contains("Max-Age=0")),
        "the dead cookie is removed"
    );
    let login = replay(&app, &cookie, "/login");
    assert_eq!(login.status, StatusCode::OK, "the sign-in form, not a redirect to the dashboard");
    assert!(!login.body.contains(&email), "nobody is shown as signed in");

    let signed_in = audit(&app, "sign_in");
    assert_eq!(signed_in.len(), 1);
    assert_eq!((signed_in[0].actor.as_str(), signed_in[0].address.as_str()), (email.as_str(), "127.0.0.1"));
    let signed_out = audit(&app, "sign_out");
    assert_eq!(signed_out.len(), 1);
    assert_eq!(signed_out[0].user_id, signed_in[0].user_id);
    assert_eq!(signed_out[0].address, "127.0.0.1");
}

#[test]
fn sessions_end_after_twelve_idle_hours_and_seven_days_after_sign_in() {
    let app = app_with_real_sessions();
    let email = app.staff(Role::Supervisor, None);
    let (client, cookie) = signed_in(&app, &email);
    // Used every 11 hours, it lives on past 12 hours from the sign-in.
    for _ in 0..2 {
        app.clock.advance(Duration::hours(11));
        assert_eq!(client.get("/supervisor").status, StatusCode::OK);
        touched(&app);
    }
    app.clock.advance(Duration::hours(12));
    refused(&replay(&app, &cookie, "/supervisor"), "/supervisor");
    refused(&client.get("/supervisor"), "/supervisor");

    // However busy, a session ends 7 days after it began.
    let (client, cookie) = signed_in(&app, &email);
    for _ in 0..15 {
        app.clock.advance(Duration::hours(11));
        assert_eq!(client.get("/supervisor").status, StatusCode::OK);
        touched(&app);
    }
    app.clock.advance(Duration::hours(7 * 24 - 15 * 11));
    refused(&replay(&app, &cookie, "/supervisor"), "/supervisor");
    assert_eq!(client.get("/supervisor/overview").status, StatusCode::SEE_OTHER);
}

#[test]
fn ended_sessions_are_removed_when_someone_signs_in() {
    let app = app_with_real_sessions();
    let email = app.staff(Role::Supervisor, None);
    signed_in(&app, &email);
    signed_in(&app, &email);
    assert_eq!(stored_sessions(&app), 2);
    app.clock.advance(Duration::hours(13));
    signed_in(&app, &email);
    assert_eq!(stored_sessions(&app), 1, "only the live one is kept");
    let hashes: Vec<String> = {
        use redress::store::schema::sessions;
        sessions::table.select(sessions::token_hash).load(&mut app.pool.get().unwrap()).unwrap()
    };
    assert!(hashes.iter().all(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())), "{hashes:?}");
}

#[test]
fn changing_the_password_ends_every_other_session_of_the_account() {
    let app = app_with_real_sessions();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    let (me, mine) = signed_in(&app, &email);
    let (_elsewhere, theirs) = signed_in(&app, &email);

    let dashboard = me.get("/merchant");
    assert!(dashboard.body.contains("href=\"/account\""), "the header links the account page");
    let form = me.get("/account");
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("修改密码") && form.body.contains("data-sessions=\"2\""), "{}", form.body);

    let change = |current: &str, new: &str, again: &str| {
        me.submit(
            "/account",
            "/account",
            &[("current_password", current), ("new_password", new), ("new_password_again", again)],
        )
    };
    let wrong = change("not my password", "a brand new secret", "a brand new secret");
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&wrong.body, "current_password").as_deref(), Some("当前密码不正确。"));
    let short = change(PASSWORD, "short", "short");
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&short.body, "new_password").as_deref(), Some("新密码至少需要 10 位。"));
    let mismatch = change(PASSWORD, "a brand new secret", "a brand new secreT");
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&mismatch.body, "new_password_again").as_deref(), Some("两次输入的新密码不一致。"));
    assert!(!mismatch.body.contains("a brand new secret"), "passwords are never echoed");
    let english = me.get("/account?lang=en");
    assert!(english.body.contains("Change password"));
    let same = change(PASSWORD, PASSWORD, PASSWORD);
    assert_eq!(
        field_error(&same.body, "new_password").as_deref(),
        Some("The new password must differ from the current one.")
    );
    me.get("/account?lang=zh-CN");
    assert_eq!(replay(&app, &theirs, "/merchant").status, StatusCode::OK, "nothing changed yet");

    let done = change(PASSWORD, "a brand new secret", "a brand new secret");
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/account?done=password"));
    let after = me.get("/account?done=password");
    assert!(after.body.contains("密码已修改") && after.body.contains("data-sessions=\"1\""), "{}", after.body);
    assert_eq!(replay(&app, &mine, "/merchant").status, StatusCode::OK, "this session goes on");
    refused(&replay(&app, &theirs, "/merchant"), "/merchant");

    assert_eq!(app.client().sign_in(&email, PASSWORD).status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.client().sign_in(&email, "a brand new secret").status, StatusCode::SEE_OTHER);
    let changed = audit(&app, "password_changed");
    assert_eq!(changed.len(), 1);
    assert_eq!((changed[0].actor.as_str(), changed[0].address.as_str()), (email.as_str(), "127.0.0.1"));
}

#[test]
fn signing_out_everywhere_ends_every_session_of_the_account_this_one_too() {
    let app = app_with_real_sessions();
    let email = app.staff(Role::Supervisor, None);
    let other = app.staff(Role::Supervisor, None);
    let (me, mine) = signed_in(&app, &email);
    let (_elsewhere, theirs) = signed_in(&app, &email);
    let (_colleague, colleagues) = signed_in(&app, &other);

    let res = me.submit("/account", "/account/sign-out-everywhere", &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/login"));
    refused(&replay(&app, &mine, "/supervisor"), "/supervisor");
    refused(&replay(&app, &theirs, "/supervisor"), "/supervisor");
    assert_eq!(replay(&app, &colleagues, "/supervisor").status, StatusCode::OK, "another account's session stays");
    let entries = audit(&app, "sign_out_everywhere");
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].actor.as_str(), entries[0].detail.as_str()), (email.as_str(), "2 sessions"));
}

#[test]
fn the_account_page_is_for_signed_in_staff_and_its_forms_need_the_csrf_token() {
    let app = app_with_real_sessions();
    refused(&app.get("/account"), "/account");
    let email = app.staff(Role::Supervisor, None);
    let (me, cookie) = signed_in(&app, &email);
    let forged = me.post("/account/sign-out-everywhere", &[("csrf_token", "forged-token-forged-token")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let forged = me.post(
        "/account",
        &[
            ("csrf_token", "forged-token-forged-token"),
            ("current_password", PASSWORD),
            ("new_password", "a brand new secret"),
            ("new_password_again", "a brand new secret"),
        ],
    );
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(replay(&app, &cookie, "/supervisor").status, StatusCode::OK);
    assert_eq!(app.client().sign_in(&email, PASSWORD).status, StatusCode::SEE_OTHER, "the password is unchanged");
}

#[test]
fn signing_in_over_a_session_ends_the_session_that_was_there() {
    let app = spawn_app_with(|c| {
        c.sessions = redress::domain::session::STAFF;
        c.supervisor_2fa = true;
    });
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let (a, b) = (app.staff(Role::Merchant, Some(merchant)), app.staff(Role::Merchant, Some(merchant)));
    // A, then B straight away (no second step), in the same browser.
    let (browser_of_a, cookie_of_a) = signed_in(&app, &a);
    assert_eq!(replay(&app, &cookie_of_a, "/merchant").status, StatusCode::OK);
    // The form is not shown to a signed-in browser; it posts anyway (the
    // CSRF token from the dashboard's forms).
    let res = browser_of_a.submit("/merchant", "/login", &[("email", &b), ("password", PASSWORD)]);
    assert_eq!(res.location.as_deref(), Some("/merchant"), "{}", res.body);
    refused(&replay(&app, &cookie_of_a, "/merchant"), "/merchant");
    assert_eq!(browser_of_a.get("/merchant").status, StatusCode::OK, "B is signed in");

    // A, then a supervisor who must first set up a second step: A's
    // session ends when the pending sign-in starts.
    let (browser_of_a, cookie_of_a) = signed_in(&app, &a);
    let supervisor = app.staff(Role::Supervisor, None);
    let res = browser_of_a.submit("/merchant", "/login", &[("email", &supervisor), ("password", PASSWORD)]);
    assert_eq!(res.location.as_deref(), Some("/login/enrol"), "{}", res.body);
    refused(&replay(&app, &cookie_of_a, "/merchant"), "/merchant");
    assert_eq!(stored_sessions(&app), 1, "only B's session is left");
}

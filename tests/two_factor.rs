//! Two-step sign-in (TOTP): supervisors enrol at sign-in, merchant staff
//! by choice; then every sign-in asks for a code, accepted once; recovery
//! codes work once; wrong codes are counted; `user reset-2fa` for a lost
//! phone. Codes are computed here from the key the page shows, with the
//! same crate, and time moves on the test's clock.

use chrono::{DateTime, Duration, Utc};
use redress::clock::Clock;
use redress::domain::staff::Role;
use redress::store::audit::{AuditFilter, AuditRow, list};
use totp_rs::{Algorithm, TOTP};
use ureq::http::StatusCode;

use crate::helpers::*;

/// An app whose supervisors must enrol, as in production.
pub fn strict_app() -> TestApp {
    spawn_app_with(|c| c.supervisor_2fa = true)
}

/// The code an authenticator app shows for `key` (as the page shows it).
pub fn app_code(key: &str, at: DateTime<Utc>) -> String {
    let secret = totp_rs::Secret::Encoded(key.replace(' ', "")).to_bytes().unwrap();
    TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, secret, None, String::new()).generate(at.timestamp() as u64)
}

/// A six-digit code that is not the right one for any step near `at`.
pub fn wrong_code(key: &str, at: DateTime<Utc>) -> String {
    let near: Vec<String> = (-1..=1).map(|s| app_code(key, at + Duration::seconds(30 * s))).collect();
    (0..).map(|n| format!("{:06}", 100_000 + n)).find(|c| !near.contains(c)).unwrap()
}

pub fn manual_key(html: &str) -> String {
    parse(html).select_text("#manual-key").expect("the manual key")
}

fn recovery_codes(html: &str) -> Vec<String> {
    parse(html).select_texts("code.recovery-code")
}

pub fn audit(app: &TestApp, kind: &str) -> Vec<AuditRow> {
    let filter = AuditFilter { kind: Some(kind.into()), ..AuditFilter::default() };
    list(&mut app.pool.get().unwrap(), &filter, 100).unwrap()
}

pub fn sign_out(client: &Client, from: &str) {
    let out = client.submit(from, "/logout", &[]);
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get(from).status, StatusCode::SEE_OTHER, "signed out");
}

/// Signs `email` in through enrolment (the page at `form`, posting to
/// `action`); returns the manual key and the recovery codes.
pub fn enrol(app: &TestApp, client: &Client, form: &str, action: &str) -> (String, Vec<String>) {
    let page = client.get(form);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = manual_key(&page.body);
    let code = app_code(&key, app.clock.now());
    let done = client.submit(form, action, &[("code", &code), ("password", PASSWORD)]);
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    (key, recovery_codes(&done.body))
}

#[test]
fn a_supervisor_enrols_at_sign_in_then_every_sign_in_asks_for_a_code_accepted_once() {
    let app = strict_app();
    let email = app.staff(Role::Supervisor, None);
    let res = app.submit(
        "/login?next=/supervisor/flags",
        "/login",
        &[("email", &email), ("password", PASSWORD), ("next", "/supervisor/flags")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/login/enrol"));
    assert_eq!(app.get("/supervisor").status, StatusCode::SEE_OTHER, "not signed in before the second step");

    let page = app.get("/login/enrol");
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg") && page.body.contains("</svg>"), "a QR code drawn on the server");
    let key = manual_key(&page.body);
    assert_eq!(key.replace(' ', "").len(), 32, "160 bits in base32, grouped: {key}");
    assert_eq!(manual_key(&app.get("/login/enrol").body), key, "the same key over reloads");

    let wrong = wrong_code(&key, app.clock.now());
    let refused = app.submit("/login/enrol", "/login/enrol", &[("code", &wrong)]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused.body, "code").unwrap().contains("验证码不匹配"), "{}", refused.body);
    assert_eq!(input_value(&refused.body, "code").as_deref(), Some(wrong.as_str()), "what was typed is kept");

    let enrolled_at = app.clock.now();
    let done = app.submit("/login/enrol", "/login/enrol", &[("code", &app_code(&key, enrolled_at))]);
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let codes = recovery_codes(&done.body);
    assert_eq!(codes.len(), 10, "{}", done.body);
    assert!(done.body.contains("href=\"/supervisor/flags\""), "on to where the sign-in was going");
    assert_eq!(app.get("/supervisor/flags").status, StatusCode::OK, "signed in");
    let entries = audit(&app, "two_factor_enrolled");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, email);

    // The secret is not in the database in the clear.
    let mut conn = app.pool.get().unwrap();
    let sealed: Vec<String> = {
        use diesel::prelude::*;
        redress::store::schema::two_factor::table
            .select(redress::store::schema::two_factor::sealed_secret)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(sealed.len(), 1);
    let plain = key.replace(' ', "");
    assert!(!sealed[0].contains(&plain) && !sealed[0].to_uppercase().contains(&plain), "{}", sealed[0]);

    sign_out(&app, "/supervisor");
    let again = app.sign_in(&email, PASSWORD);
    assert_eq!(again.location.as_deref(), Some("/login/code"), "enrolled: a code is asked for");
    assert_eq!(app.get("/login/code").status, StatusCode::OK);
    assert_eq!(app.get("/supervisor").status, StatusCode::SEE_OTHER, "not signed in yet");

    // The code that confirmed the enrolment, in the same 30 seconds: used.
    let replay = app.submit("/login/code", "/login/code", &[("code", &app_code(&key, enrolled_at))]);
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&replay.body, "code").unwrap().contains("已经用过"), "{}", replay.body);

    app.clock.advance(Duration::seconds(30));
    let wrong = app.submit("/login/code", "/login/code", &[("code", &wrong_code(&key, app.clock.now()))]);
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&wrong.body, "code").unwrap().contains("不正确"), "{}", wrong.body);
    let failed = audit(&app, "sign_in_failed");
    assert!(failed.len() >= 2 && failed.iter().all(|e| e.detail == "second factor" && e.actor == email));

    let code = app_code(&key, app.clock.now());
    let ok = app.submit("/login/code", "/login/code", &[("code", &code)]);
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/supervisor"));
    assert_eq!(app.get("/supervisor").status, StatusCode::OK);

    // The same code once more, from another sign-in: refused.
    let other = app.client();
    assert_eq!(other.sign_in(&email, PASSWORD).location.as_deref(), Some("/login/code"));
    let replay = other.submit("/login/code", "/login/code", &[("code", &code)]);
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Two steps later, with the phone's clock a step behind (−1): fine.
    app.clock.advance(Duration::seconds(60));
    let behind = app_code(&key, app.clock.now() - Duration::seconds(30));
    let late = other.submit("/login/code", "/login/code", &[("code", &behind)]);
    assert_eq!(late.status, StatusCode::SEE_OTHER, "{}", late.body);
}

#[test]
fn merchant_staff_opt_in_and_a_recovery_code_works_once() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    let first = app.sign_in(&email, PASSWORD);
    assert_eq!(first.location.as_deref(), Some("/merchant"), "not asked before enrolling");
    assert!(app.get("/merchant").body.contains("href=\"/account\""), "the account from the staff header");
    assert!(app.get("/account").body.contains("href=\"/account/2fa\""), "two-step sign-in offered there");

    let (key, codes) = enrol(&app, &app.browser, "/account/2fa", "/account/2fa");
    assert_eq!(codes.len(), 10);
    let account = app.get("/account/2fa");
    assert!(account.body.contains("data-two-factor=\"on\"") && account.body.contains("10"), "{}", account.body);

    sign_out(&app, "/merchant");
    let fields = [("email", email.as_str()), ("password", PASSWORD), ("next", "/merchant/actions")];
    let asked = app.submit("/login?next=/merchant/actions", "/login", &fields);
    assert_eq!(asked.location.as_deref(), Some("/login/code"), "asked once enrolled");
    let typed = codes[3].to_uppercase();
    let ok = app.submit("/login/code", "/login/code", &[("code", &typed)]);
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/merchant/actions"), "on to where the sign-in was going");
    assert_eq!(app.get("/merchant").status, StatusCode::OK);
    let used = audit(&app, "recovery_code_used");
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].detail, "9 left");
    assert!(app.get("/account/2fa").body.contains("未使用的恢复码：9 个"));

    sign_out(&app, "/merchant");
    app.sign_in(&email, PASSWORD);
    let again = app.submit("/login/code", "/login/code", &[("code", &codes[3])]);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a recovery code works once");
    let app_code_now = app_code(&key, app.clock.now() + Duration::seconds(30));
    app.clock.advance(Duration::seconds(30));
    let ok = app.submit("/login/code", "/login/code", &[("code", &app_code_now)]);
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

#[test]
fn five_wrong_codes_end_the_sign_in_and_a_slow_one_expires() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    app.sign_in(&email, PASSWORD);
    let (key, _) = enrol(&app, &app.browser, "/account/2fa", "/account/2fa");
    sign_out(&app, "/merchant");

    let en = app.client();
    en.get("/login?lang=en");
    en.sign_in(&email, PASSWORD);
    let wrong = wrong_code(&key, app.clock.now());
    for left in (1..=4).rev() {
        let res = en.submit("/login/code", "/login/code", &[("code", &wrong)]);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&res.body, "code").unwrap(), format!("That code is not right. {left} tries left."));
    }
    let ended = en.submit("/login/code", "/login/code", &[("code", &wrong)]);
    assert_eq!(ended.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(ended.body.contains("5 wrong codes in a row"), "{}", ended.body);
    let token = csrf(&en.get("/login").body);
    let right = en.post("/login/code", &[("csrf_token", &token), ("code", &app_code(&key, app.clock.now()))]);
    assert_eq!(right.location.as_deref(), Some("/login"), "even the right code: the sign-in is over");
    assert_eq!(en.get("/merchant").status, StatusCode::SEE_OTHER);

    // Starting again with the password works.
    app.clock.advance(Duration::seconds(30));
    en.sign_in(&email, PASSWORD);
    let ok = en.submit("/login/code", "/login/code", &[("code", &app_code(&key, app.clock.now()))]);
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    sign_out(&en, "/merchant");

    // Five minutes after the password, the second step is closed.
    en.sign_in(&email, PASSWORD);
    let token = csrf(&en.get("/login/code").body);
    app.clock.advance(Duration::minutes(5));
    let slow = en.post("/login/code", &[("csrf_token", &token), ("code", &app_code(&key, app.clock.now()))]);
    assert_eq!(slow.status, StatusCode::FORBIDDEN);
    assert!(slow.body.contains("within 5 minutes"), "{}", slow.body);
    assert_eq!(en.get("/merchant").status, StatusCode::SEE_OTHER);
}

#[test]
fn supervisors_are_not_asked_to_enrol_when_it_is_off() {
    let app = spawn_app();
    let res = app.sign_in(&app.staff(Role::Supervisor, None), PASSWORD);
    assert_eq!(res.location.as_deref(), Some("/supervisor"));
    assert_eq!(app.get("/supervisor").status, StatusCode::OK);
    // Not even when it is on, for merchant staff.
    let strict = strict_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&strict);
    let res = strict.sign_in(&strict.staff(Role::Merchant, Some(merchant)), PASSWORD);
    assert_eq!(res.location.as_deref(), Some("/merchant"));
}

#[test]
fn reset_2fa_on_the_command_line_for_a_lost_phone() {
    let app = strict_app();
    let email = app.staff(Role::Supervisor, None);
    app.sign_in(&email, PASSWORD);
    let (key, _) = enrol(&app, &app.browser, "/login/enrol", "/login/enrol");
    sign_out(&app, "/supervisor");
    // Signed in elsewhere (perhaps on the lost phone itself).
    app.clock.advance(Duration::seconds(30));
    let held = app.client();
    assert_eq!(held.sign_in(&email, PASSWORD).location.as_deref(), Some("/login/code"));
    let code = app_code(&key, app.clock.now());
    assert_eq!(held.submit("/login/code", "/login/code", &[("code", &code)]).status, StatusCode::SEE_OTHER);
    assert_eq!(held.get("/supervisor").status, StatusCode::OK);
    assert_eq!(app.sign_in(&email, PASSWORD).location.as_deref(), Some("/login/code"));

    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_redress"))
            .env("DATABASE_URL", &app.config.database_url)
            .env("REDRESS_DATA_DIR", &app.config.data_dir)
            .env("RUST_LOG", "warn")
            .args(["user", "reset-2fa", "--email"])
            .args(args)
            .output()
            .unwrap()
    };
    let unknown = cli(&["nobody@platform.example.cn"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account for nobody@platform.example.cn"));

    let out = cli(&[&email.to_uppercase()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("two-step sign-in removed for {email}")), "{said}");
    assert!(said.contains("sets two-step sign-in up again"), "{said}");
    let entries = audit(&app, "two_factor_reset");
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].actor.as_str(), entries[0].user_id), ("cli", None));
    assert_eq!(entries[0].detail, "second factor removed, 1 sessions ended");
    assert_eq!(held.get("/supervisor").status, StatusCode::SEE_OTHER, "the account's sessions ended with the reset");

    // The pending sign-in of before the reset is void; a new one must enrol.
    let stale = app.submit("/login/code", "/login/code", &[("code", "123456")]);
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    let client = app.client();
    assert_eq!(client.sign_in(&email, PASSWORD).location.as_deref(), Some("/login/enrol"), "a supervisor enrols again");

    // Merchant staff sign in with the password alone after a reset.
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff_email = app.staff(Role::Merchant, Some(merchant));
    let staff = app.client();
    staff.sign_in(&staff_email, PASSWORD);
    enrol(&app, &staff, "/account/2fa", "/account/2fa");
    assert!(cli(&[&staff_email]).status.success());
    assert_eq!(staff.get("/merchant").status, StatusCode::SEE_OTHER, "signed out by the reset");
    assert_eq!(staff.sign_in(&staff_email, PASSWORD).location.as_deref(), Some("/merchant"));
}

#[test]
fn the_demo_says_supervisors_sign_in_without_a_second_step_and_they_do() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let demo = crate::process::serve(&db, data.path());
    assert!(
        demo.output.iter().any(|l| l.contains("two-step sign-in:  not required for supervisors (off for the demo)")),
        "{:?}",
        demo.output
    );
    let supervisor = demo.output.iter().find(|l| l.ends_with("platform supervisor")).expect("the demo supervisor");
    let email = supervisor.split_whitespace().next().unwrap().to_owned();
    let client = Client { base: demo.base.clone(), agent: browser() };
    let res = client.sign_in(&email, redress::service::demo::PASSWORD);
    assert_eq!(res.location.as_deref(), Some("/supervisor"), "{}", res.body);
    drop(demo);

    // Without --demo it is required, and the start-up says so.
    let strict = crate::process::serve_with(&db, data.path(), &[], &[]);
    assert!(
        strict.output.iter().any(|l| l.contains("two-step sign-in:  required for supervisors")),
        "{:?}",
        strict.output
    );
    let client = Client { base: strict.base.clone(), agent: browser() };
    assert_eq!(client.sign_in(&email, redress::service::demo::PASSWORD).location.as_deref(), Some("/login/enrol"));
}

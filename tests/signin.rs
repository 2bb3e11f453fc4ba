//! Signing in: `next` is only ever a path on this site; failures slow the
//! next attempts down (by account and address, by address, and by account
//! from addresses it never signed in from) without ever keeping the real
//! user out from an address they signed in from before;
//! `REDRESS_RATE_LIMIT=off` turns all of it off.

use chrono::Duration;
use redress::domain::limit::{Rate, RateLimits};
use redress::domain::staff::Role;
use redress::store::audit::{AuditFilter, list};
use ureq::http::StatusCode;

use crate::helpers::*;

/// Sign-in throttling on (the per-address request limit far away, so that
/// only the failures count), the test's own address a trusted proxy.
fn throttled_app() -> TestApp {
    spawn_app_with(|c| {
        c.rate_limits = RateLimits { sign_ins: Some(Rate::per_minute(1000)), ..RateLimits::OFF };
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
}

/// A sign-in from a browser at `client` (forwarded by the proxy).
fn sign_in_from(app: &TestApp, client: &str, email: &str, password: &str) -> Page {
    let agent = browser();
    let form = page(agent.get(app.url("/login")).header("X-Forwarded-For", client).call().unwrap());
    let token = csrf(&form.body);
    let fields = [("csrf_token", token.as_str()), ("email", email), ("password", password)];
    page(agent.post(app.url("/login")).header("X-Forwarded-For", client).send_form(fields).unwrap())
}

fn retry_after(res: &Page) -> i64 {
    res.headers.get("retry-after").expect("Retry-After").to_str().unwrap().parse().unwrap()
}

#[test]
fn next_is_followed_only_to_a_path_on_this_site() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let email = app.staff(Role::Merchant, Some(merchant));
    // As typed into the address bar: percent-encoded in the query.
    let raw = [
        "/%09/evil.example/",
        "/%2509/evil.example/",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%252F/evil.example",
        "/%0d%0aSet-Cookie:%20x=1",
        "/merchant%0d%0aLocation:%20http://evil.example",
        "/%00",
        "https://evil.example/",
        "/%20/evil.example",
    ];
    for next in raw {
        let form = app.get(&format!("/login?next={next}"));
        assert_eq!(form.status, StatusCode::OK, "GET /login?next={next}: {}", form.body);
        assert!(form.body.contains("name=\"next\" value=\"\""), "{next} is not kept: {}", form.body);
    }
    // As posted by the form: the field's own value.
    let posted = [
        "/\t/evil.example/",
        "/%09/evil.example/",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/\\evil.example",
        "//evil.example",
        "/\r\nSet-Cookie: x=1",
        "/merchant\n",
        "/%0d%0a",
        " /merchant",
    ];
    for next in posted {
        let client = app.client();
        let res = client.submit("/login", "/login", &[("email", &email), ("password", PASSWORD), ("next", next)]);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{next:?}: {}", res.body);
        assert_eq!(res.location.as_deref(), Some("/merchant"), "{next:?}");
    }
    let client = app.client();
    let fields =
        [("email", email.as_str()), ("password", PASSWORD), ("next", "/merchant/actions?from=%E9%A6%96%E9%A1%B5")];
    let res = client.submit("/login", "/login", &fields);
    assert_eq!(res.location.as_deref(), Some("/merchant/actions?from=%E9%A6%96%E9%A1%B5"), "a real path is followed");
    // A wrong password with such a `next` is a 422 page too, not a 500.
    let res = app.client().submit(
        "/login",
        "/login",
        &[("email", &email), ("password", "wrong password"), ("next", "/\r\n")],
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn failures_from_ten_addresses_do_not_keep_the_real_user_out_of_an_address_they_used_before() {
    let app = throttled_app();
    let email = app.staff(Role::Supervisor, None);
    let home = "198.51.100.7";
    assert_eq!(sign_in_from(&app, home, &email, PASSWORD).status, StatusCode::SEE_OTHER);
    for n in 1..=10 {
        let res = sign_in_from(&app, &format!("203.0.113.{n}"), &email, "guessing the password");
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "failure {n}");
    }
    assert_eq!(sign_in_from(&app, home, &email, PASSWORD).status, StatusCode::SEE_OTHER, "the real user gets in");

    // Guessing from yet another address is slowed down, right or wrong.
    let guess = sign_in_from(&app, "203.0.113.11", &email, "guessing the password");
    assert_eq!(guess.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&guess), 1);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(sign_in_from(&app, "203.0.113.12", &email, "guessing again").status, StatusCode::UNPROCESSABLE_ENTITY);
    let guess = sign_in_from(&app, "203.0.113.13", &email, PASSWORD);
    assert_eq!(guess.status, StatusCode::TOO_MANY_REQUESTS, "a new address waits even with the right password");
    assert_eq!(retry_after(&guess), 2);
    assert_eq!(sign_in_from(&app, home, &email, PASSWORD).status, StatusCode::SEE_OTHER, "still in from home");

    let failed = list(
        &mut app.pool.get().unwrap(),
        &AuditFilter { kind: Some("sign_in_failed".into()), ..Default::default() },
        100,
    )
    .unwrap();
    assert_eq!(failed.len(), 11, "each failure, none of the refused attempts");
    assert!(failed.iter().all(|e| e.user_id.is_some() && e.actor == email));
    assert!(failed.iter().any(|e| e.address == "203.0.113.4"), "with the client's address");
}

#[test]
fn one_address_that_keeps_failing_waits_longer_each_time_and_is_told_so_in_its_language() {
    let app = throttled_app();
    let email = app.staff(Role::Merchant, Some(MerchantBuilder::new("深圳极光数码科技有限公司").build(&app)));
    let attacker = "203.0.113.9";
    for _ in 0..3 {
        assert_eq!(sign_in_from(&app, attacker, &email, "wrong password!").status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut waits = vec![];
    for _ in 0..3 {
        let res = sign_in_from(&app, attacker, &email, "wrong password!");
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        let wait = retry_after(&res);
        assert!(res.body.contains(&format!("登录失败次数过多，请 {wait} 秒后再试")), "{}", res.body);
        assert_eq!(input_value(&res.body, "email").as_deref(), Some(email.as_str()), "the e-mail is kept");
        waits.push(wait);
        app.clock.advance(Duration::seconds(wait));
        assert_eq!(sign_in_from(&app, attacker, &email, "wrong password!").status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(waits, [1, 2, 4], "the wait doubles");
    let agent = browser();
    let english = page(
        agent
            .post(app.url("/login"))
            .header("X-Forwarded-For", attacker)
            .header("Accept-Language", "en")
            .header("Cookie", "redress_csrf=abcdefghijklmnopqrstuvwx")
            .send_form([("csrf_token", "abcdefghijklmnopqrstuvwx"), ("email", &email), ("password", "x")])
            .unwrap(),
    );
    assert_eq!(english.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(english.body.contains("Too many failed sign-ins. Please wait 8 seconds"), "{}", english.body);

    // The account is not closed: its owner, elsewhere, signs in.
    assert_eq!(sign_in_from(&app, "198.51.100.20", &email, PASSWORD).status, StatusCode::SEE_OTHER);
    // An hour later the address starts afresh.
    app.clock.advance(Duration::hours(1));
    assert_eq!(sign_in_from(&app, attacker, &email, PASSWORD).status, StatusCode::SEE_OTHER);
}

#[test]
fn guessing_many_accounts_from_one_address_slows_that_address_down() {
    let app = throttled_app();
    let email = app.staff(Role::Merchant, Some(MerchantBuilder::new("成都蜀香源食品有限公司").build(&app)));
    for i in 0..10 {
        let res = sign_in_from(&app, "203.0.113.50", &format!("guess{i}@example.cn"), "guessing");
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{i}");
    }
    assert_eq!(sign_in_from(&app, "203.0.113.50", &email, PASSWORD).status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(sign_in_from(&app, "198.51.100.30", &email, PASSWORD).status, StatusCode::SEE_OTHER, "others are not");
    let failed = list(
        &mut app.pool.get().unwrap(),
        &AuditFilter { kind: Some("sign_in_failed".into()), ..Default::default() },
        100,
    )
    .unwrap();
    assert!(failed.iter().all(|e| e.user_id.is_none()), "no account has those e-mails");
    assert!(failed.iter().any(|e| e.actor == "guess3@example.cn"), "the typed e-mail is recorded");
}

#[test]
fn with_rate_limits_off_failures_slow_nothing_down() {
    // The tests' default configuration: REDRESS_RATE_LIMIT=off.
    let app = spawn_app();
    let email = app.staff(Role::Supervisor, None);
    for _ in 0..25 {
        assert_eq!(app.sign_in(&email, "wrong password!").status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    for i in 0..15 {
        assert_eq!(app.sign_in(&format!("guess{i}@example.cn"), "x").status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(app.sign_in(&email, PASSWORD).status, StatusCode::SEE_OTHER);
}

#[test]
fn wrong_passwords_sent_at_once_are_all_counted_by_the_throttle() {
    use redress::domain::session::Throttle;
    let app = throttled_app();
    let email = app.staff(Role::Merchant, Some(MerchantBuilder::new("深圳极光数码科技有限公司").build(&app)));
    let attacker = "203.0.113.77";
    // Twelve browsers, each with its form (and CSRF token) first, then
    // all their guesses at once.
    let browsers: Vec<(ureq::Agent, String)> = (0..12)
        .map(|_| {
            let agent = browser();
            let form = page(agent.get(app.url("/login")).header("X-Forwarded-For", attacker).call().unwrap());
            let token = csrf(&form.body);
            (agent, token)
        })
        .collect();
    let start = std::sync::Barrier::new(browsers.len());
    let statuses: Vec<StatusCode> = std::thread::scope(|s| {
        let guesses: Vec<_> = browsers
            .iter()
            .enumerate()
            .map(|(i, (agent, token))| {
                let (start, url, email) = (&start, app.url("/login"), email.as_str());
                s.spawn(move || {
                    let password = format!("guess number {i}");
                    let fields = [("csrf_token", token.as_str()), ("email", email), ("password", password.as_str())];
                    start.wait();
                    page(agent.post(url).header("X-Forwarded-For", attacker).send_form(fields).unwrap()).status
                })
            })
            .collect();
        guesses.into_iter().map(|g| g.join().unwrap()).collect()
    });
    let tested = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
    let throttled = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(tested + throttled, 12, "{statuses:?}");
    let free = Throttle::AccountAtAddress.free() as usize;
    assert!(tested <= free + 1, "{tested} passwords tested at once: {statuses:?}");

    // Only the tested ones are failures: in the audit log, and for the throttle.
    let failed = list(
        &mut app.pool.get().unwrap(),
        &AuditFilter { kind: Some("sign_in_failed".into()), ..Default::default() },
        100,
    )
    .unwrap();
    assert_eq!(failed.len(), tested);
    let recorded: i64 = {
        use diesel::prelude::*;
        use redress::store::schema::login_failures;
        login_failures::table.count().get_result(&mut app.pool.get().unwrap()).unwrap()
    };
    assert_eq!(recorded, tested as i64, "a refused attempt tested no password and is not kept");
    // The real user, from an address of their own, is not kept out.
    assert_eq!(sign_in_from(&app, "198.51.100.21", &email, PASSWORD).status, StatusCode::SEE_OTHER);
    assert_eq!(sign_in_from(&app, "198.51.100.21", &email, PASSWORD).status, StatusCode::SEE_OTHER);
}

#[test]
fn a_failed_sign_in_is_found_in_the_audit_log_by_the_account_however_it_was_typed() {
    let app = spawn_app();
    let email = app.staff(Role::Merchant, Some(MerchantBuilder::new("成都蜀香源食品有限公司").build(&app)));
    let typed = format!("  {}  ", email.to_uppercase());
    assert_eq!(app.client().sign_in(&typed, "wrong password!").status, StatusCode::UNPROCESSABLE_ENTITY);
    let boss = app.supervisor();
    let log = boss.get_query("/supervisor/audit", &[("person", &email), ("kind", "sign_in_failed")]);
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains(&format!("<span data-actor>{email}<")), "{}", log.body);
}

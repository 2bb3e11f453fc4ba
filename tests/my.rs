//! `/my`: a consumer proves a phone number with a code sent to it and sees
//! every complaint filed with it (and no other), for half an hour.

use chrono::Duration;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::verification::on;

const MINE: &str = "13800138000";
const THEIRS: &str = "13912345678";

/// Asks for a code for `phone` at /my from `client`; the answer.
fn ask(client: &Client, phone: &str) -> Page {
    client.submit("/my", "/my/code", &[("phone", phone)])
}

/// Answers with `code` for `phone`.
fn answer(client: &Client, phone: &str, code: &str) -> Page {
    client.submit("/my", "/my", &[("phone", phone), ("code", code)])
}

fn listed(page: &Page) -> Vec<String> {
    page.html().select_attrs("[data-my=complaints] [data-reference]", "data-reference")
}

#[test]
fn my_lists_exactly_that_numbers_complaints_once_the_code_is_right() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let other = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let first = ComplaintBuilder::new(m).phone(MINE).email("").file(&app);
    app.clock.advance(Duration::hours(1));
    let theirs = ComplaintBuilder::new(m).phone(THEIRS).file(&app);
    app.clock.advance(Duration::hours(1));
    let second = ComplaintBuilder::new(other).phone("+86 138 0013 8000").file(&app);
    let (first, second, theirs) = (first.reference(&app), second.reference(&app), theirs.reference(&app));

    let consumer = app.client();
    let home = consumer.get("/").html();
    assert!(home.select_first("a[href=\"/my\"]").is_some(), "the home page links /my");
    let blank = consumer.get("/my");
    assert_eq!(blank.status, StatusCode::OK);
    assert!(blank.html().select_first("form[action=\"/my/code\"] input[name=phone]").is_some());
    assert!(listed(&blank).is_empty());

    let sent = ask(&consumer, "138-0013-8000");
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.html().select_text("[data-code-sent]").unwrap().contains("138****8000"));
    assert!(sent.html().select_first("form[action=\"/my\"] input[name=code]").is_some());
    assert!(listed(&consumer.get("/my")).is_empty(), "nothing listed before the code");

    app.dispatch();
    let text = std::fs::read_dir(app.config.data_dir.join("outbox"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .find(|t| t.starts_with(&format!("To: +86{MINE}\n\n")) && t.contains("验证码"))
        .expect("the code by SMS");
    let code = six_digits(&text).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = answer(&consumer, MINE, wrong);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused.body, "code").unwrap().contains("不正确"));
    assert!(listed(&refused).is_empty());

    let proved = answer(&consumer, MINE, &code);
    assert_eq!(proved.status, StatusCode::SEE_OTHER, "{}", proved.body);
    assert_eq!(proved.location.as_deref(), Some("/my"));
    let cookie = proved.headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    for part in ["Path=/my", "HttpOnly", "SameSite=Strict", "Max-Age=1800"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains(MINE), "the cookie does not carry the number: {cookie}");

    let list = consumer.get("/my");
    assert_eq!(listed(&list), [second.clone(), first.clone()], "that number's, newest first: {}", list.body);
    assert!(!list.body.contains(&theirs), "never another number's");
    let html = list.html();
    let row = html.select_first(&format!("[data-reference=\"{second}\"]")).unwrap();
    assert_eq!(row.select_attr("[data-status]", "data-status").as_deref(), Some("submitted"));
    assert!(row.select_text("p.hint").unwrap().contains("深圳极光数码科技有限公司"));
    let href = row.select_attr("a.reference", "href").unwrap();
    assert!(app.get(&href).body.contains(&second), "links to its tracking page");
    assert_eq!(html.select_all("[data-my=complaints] [data-verified=true]").len(), 2, "a proved number's, verified");

    // Another browser has no proof.
    assert!(listed(&app.client().get("/my")).is_empty());
    // Nor does the code work twice.
    assert_eq!(answer(&app.client(), MINE, &code).status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn the_proof_lasts_half_an_hour() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let filed = ComplaintBuilder::new(m).phone(MINE).file(&app).reference(&app);
    let consumer = app.client();
    ask(&consumer, MINE);
    assert_eq!(answer(&consumer, MINE, &app.last_code(MINE)).status, StatusCode::SEE_OTHER);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(listed(&consumer.get("/my")), std::slice::from_ref(&filed), "a refresh or a return shows it again");
    app.clock.advance(Duration::minutes(1));
    let expired = consumer.get("/my");
    assert!(listed(&expired).is_empty(), "after 30 minutes the code is asked for again");
    assert!(expired.html().select_first("input[name=phone]").is_some());
}

#[test]
fn five_wrong_codes_kill_it_and_sends_are_limited() {
    let app = on();
    let consumer = app.client();
    let bad = ask(&consumer, "12345");
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bad.body, "phone").is_some());
    assert_eq!(input_value(&bad.body, "phone").unwrap(), "12345", "what was typed is kept");

    ask(&consumer, MINE);
    let right = app.last_code(MINE);
    let wrong: Vec<String> = (0..6).map(|n| format!("{n}{n}{n}{n}{n}{n}")).filter(|c| *c != right).collect();
    for guess in &wrong[..5] {
        assert_eq!(answer(&consumer, MINE, guess).status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let dead = answer(&consumer, MINE, &right);
    assert_eq!(dead.status, StatusCode::UNPROCESSABLE_ENTITY, "dead after five tries");
    assert!(field_error(&dead.body, "code").unwrap().contains("输错 5 次"));

    // A code asked for the complaint form does not open /my.
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).phone(THEIRS).send_code(&app);
    assert_eq!(answer(&consumer, THEIRS, &app.last_code(THEIRS)).status, StatusCode::UNPROCESSABLE_ENTITY);

    ask(&consumer, MINE);
    ask(&consumer, MINE);
    let busy = ask(&consumer, MINE);
    assert_eq!(busy.status, StatusCode::TOO_MANY_REQUESTS, "three codes a number an hour");
    assert_eq!(busy.headers.get("retry-after").unwrap(), "3600");
    assert!(busy.body.contains("3600 秒"));
}

#[test]
fn a_forged_proof_proves_nothing() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).phone(MINE).file(&app);
    let consumer = app.client();
    ask(&consumer, MINE);
    assert_eq!(answer(&consumer, MINE, &app.last_code(MINE)).status, StatusCode::SEE_OTHER);
    let intruder = app.client();
    let res = intruder.agent.get(intruder.url("/my")).header("Cookie", "redress_my=1").call().unwrap();
    assert!(listed(&page(res)).is_empty(), "an unsigned cookie is no proof");
}

/// `/my`'s list and the codes' counts read a range of an index, not the
/// table (SQLite's plan; PostgreSQL's depends on its statistics).
#[test]
fn the_list_and_the_counts_are_range_scans() {
    use diesel::connection::{Connection, InstrumentationEvent};
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use redress::clock::Clock;
    use redress::store::phone_codes;
    use std::sync::{Arc, Mutex};

    #[derive(QueryableByName)]
    struct PlanRow {
        #[diesel(sql_type = Text)]
        detail: String,
    }
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return;
    }
    let app = on();
    let mut conn = app.pool.get().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            sink.lock().unwrap().push(query.to_string().split(" -- binds:").next().unwrap_or("").to_owned());
        }
    });
    let phone = redress::domain::contact::Phone::parse(MINE).unwrap();
    let now = app.clock.now();
    redress::service::verification::complaints_of(&mut conn, &phone).unwrap();
    phone_codes::sent_to(&mut conn, MINE, now).unwrap();
    phone_codes::sent_from(&mut conn, "127.0.0.1", now).unwrap();
    phone_codes::latest(&mut conn, MINE, "my").unwrap();
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    let queries = seen.lock().unwrap().clone();
    assert_eq!(queries.len(), 4, "{queries:?}");
    for sql in queries {
        let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(&mut conn).unwrap();
        let plan: Vec<String> = plan.into_iter().map(|r| r.detail).collect();
        let scans = plan.iter().filter(|d| {
            (d.starts_with("SCAN complaints") || d.starts_with("SCAN phone_codes")) && !d.contains("INDEX")
        });
        assert_eq!(scans.count(), 0, "{sql}\n  -> {plan:?}");
        assert!(plan.iter().any(|d| d.contains("complaints_consumer_phone") || d.contains("phone_codes_")), "{plan:?}");
    }
}

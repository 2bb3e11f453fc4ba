//! Consent to the public register through the real server (issue 24): the
//! complaint form asks, unticked, and keeps the tick when it comes back;
//! the tracking page says where the case stands and gives or withdraws
//! consent (`POST /t/{token}/consent`); a consented case is published
//! once the merchant answers publicly or fifteen days after filing
//! (test clock), whichever is first; the platform API files with consent.

use chrono::Duration;
use diesel::prelude::*;
use redress::store::schema::{complaint_events, register_entries, register_terms};
use ureq::http::StatusCode;

use crate::helpers::*;

/// Where the tracking page says the case stands in the register.
pub fn standing(client: &Client, tracking: &str) -> String {
    client.get(tracking).html().select_attr("section[data-register]", "data-register").expect("the 公开 section")
}

/// The titles of a page's timeline, in order.
pub fn titles(page: &Page) -> Vec<String> {
    page.html().select_texts(".timeline__title")
}

fn consent(app: &TestApp, filed: &Filed, publish: &str) -> Page {
    app.client().submit(filed.path(), &format!("{filed}/consent"), &[("publish", publish)])
}

fn events(app: &TestApp, kind: &str) -> i64 {
    let conn = &mut app.pool.get().unwrap();
    complaint_events::table.filter(complaint_events::kind.eq(kind)).count().get_result(conn).unwrap()
}

fn publish_box(page: &Page) -> (bool, bool) {
    let html = page.html();
    let found = html.select_first("input[type=checkbox][name=publish][value='1']");
    (found.is_some(), found.is_some_and(|e| e.attr("checked").is_some()))
}

#[test]
fn the_form_asks_plainly_unticked_and_keeps_the_tick_when_it_comes_back() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let form = app.get("/complaints/new");
    assert_eq!(publish_box(&form), (true, false), "offered, never ticked by default");
    let label = form.html().select_text("#publish-consent label").unwrap();
    assert!(label.contains("同意在去除姓名、电话") && label.contains("可随时撤回"), "{label}");
    let en = app.get("/complaints/new?lang=en").html().select_text("#publish-consent label").unwrap();
    assert!(en.contains("I agree to have this complaint published without my name"), "{en}");

    let wrong = ComplaintBuilder::new(m).description("太差").field("publish", "1").submit(&app);
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(publish_box(&wrong), (true, true), "the tick is kept with the rest");
    let untouched = ComplaintBuilder::new(m).description("太差").submit(&app);
    assert_eq!(publish_box(&untouched), (true, false));

    // Not ticked: nothing in the register, and the page says so.
    let quiet = ComplaintBuilder::new(m).file(&app);
    assert_eq!(standing(&app, &quiet), "not_consented");
    let conn = &mut app.pool.get().unwrap();
    assert_eq!(register_entries::table.count().get_result::<i64>(conn).unwrap(), 0);
    // A value other than `1` is no consent.
    let odd = ComplaintBuilder::new(m).field("publish", "on").file(&app);
    assert_eq!(standing(&app, &odd), "not_consented");
}

#[test]
fn consent_given_at_filing_is_withdrawn_and_given_again_on_the_tracking_page() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let filed = ComplaintBuilder::new(m).field("publish", "1").file(&app);
    let page = app.get(&filed);
    let html = page.html();
    assert_eq!(html.select_attr("section[data-register]", "data-register").as_deref(), Some("due"));
    assert_eq!(html.select_attr("[data-register-due]", "datetime").as_deref(), Some("2026-12-05T02:00:00Z"));
    let said = html.select_text("[data-register-said]").unwrap();
    assert!(said.contains("2026年12月05日") && said.contains("商家") && said.contains("公开答复"), "{said}");
    assert_eq!(html.select_attr("form[action$='/consent'] button", "value").as_deref(), Some("0"));
    // The search job has indexed it (as the register's job would).
    let id: i64 = {
        let conn = &mut app.pool.get().unwrap();
        let id = register_entries::table.select(register_entries::complaint_id).first(conn).unwrap();
        diesel::insert_into(register_terms::table)
            .values((register_terms::term.eq("羽绒"), register_terms::complaint_id.eq(id)))
            .execute(conn)
            .unwrap();
        id
    };

    let withdrawn = consent(&app, &filed, "0");
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER, "{}", withdrawn.body);
    assert_eq!(withdrawn.location.as_deref(), Some(format!("{filed}?done=consent_withdrawn").as_str()));
    let after = app.get(withdrawn.location.as_deref().unwrap());
    assert!(after.body.contains("已撤回公开同意，这件投诉不再公示。"), "the notice");
    assert_eq!(standing(&app, &filed), "not_consented");
    assert!(titles(&after).contains(&"您撤回了公开同意".to_owned()), "{:?}", titles(&after));
    {
        let conn = &mut app.pool.get().unwrap();
        let terms: i64 =
            register_terms::table.filter(register_terms::complaint_id.eq(id)).count().get_result(conn).unwrap();
        assert_eq!(terms, 0, "out of the search at once");
    }
    let reference = filed.reference(&app);
    let staff = app.merchant_staff(m).get(&format!("/merchant/complaints/{reference}"));
    assert!(titles(&staff).contains(&"消费者撤回了公开同意".to_owned()), "staff read it in their words");
    let boss = app.supervisor().get(&format!("/supervisor/complaints/{reference}")).html();
    assert_eq!(boss.select_attr("[data-consent]", "data-consent").as_deref(), Some("false"));

    assert_eq!(consent(&app, &filed, "1").location, Some(format!("{filed}?done=consent_given")));
    assert_eq!(standing(&app, &filed), "due");
    assert_eq!(consent(&app, &filed, "1").status, StatusCode::SEE_OTHER, "twice is once");
    assert_eq!((events(&app, "consent_given"), events(&app, "consent_withdrawn")), (1, 1));
    assert!(titles(&app.get(&filed)).contains(&"您同意公开这件投诉".to_owned()));
    let boss = app.supervisor().get(&format!("/supervisor/complaints/{reference}")).html();
    assert_eq!(boss.select_attr("[data-consent]", "data-consent").as_deref(), Some("true"));
}

#[test]
fn the_consent_form_refuses_what_is_not_an_answer_a_forged_page_and_an_unknown_link() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let filed = ComplaintBuilder::new(m).file(&app);
    for odd in ["", "yes", "2"] {
        let res = consent(&app, &filed, odd);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{odd:?}");
        assert!(res.html().select_text("[role=alert]").unwrap().contains("请选择同意公开或撤回同意"), "{}", res.body);
    }
    let forged = app.client().post(&format!("{filed}/consent"), &[("publish", "1")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(standing(&app, &filed), "not_consented", "nothing changed");
    let unknown = app.client().submit(filed.path(), "/t/AAAAAAAAAAAAAAAAAAAAAAAA/consent", &[("publish", "1")]);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Withdrawing what was never given changes nothing.
    assert_eq!(consent(&app, &filed, "0").status, StatusCode::SEE_OTHER);
    assert_eq!(events(&app, "consent_withdrawn"), 0);
}

#[test]
fn a_consented_case_is_published_at_the_merchants_first_public_reply() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let filed = ComplaintBuilder::new(m).field("publish", "1").file(&app);
    let reference = filed.reference(&app);
    app.clock.advance(Duration::hours(20));
    let staff = app.merchant_staff(m);
    let page = format!("/merchant/complaints/{reference}");
    let noted =
        staff.submit(&page, &format!("{page}/reply"), &[("body", "内部：查物流。"), ("visibility", "internal")]);
    assert_eq!(noted.status, StatusCode::SEE_OTHER, "{}", noted.body);
    assert_eq!(standing(&app, &filed), "due", "an internal note is no public answer");
    assert!(app.get(&filed).html().select_first("[data-register-link]").is_none());

    let replied =
        staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，已为您补发。"), ("visibility", "public")]);
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
    assert_eq!(standing(&app, &filed), "published");
    let html = app.get(&filed).html();
    assert_eq!(html.select_attr("[data-register-link]", "href"), Some(format!("/cases/{reference}")));
    // Withdrawn, it is out at once; given again, in again (it was answered).
    consent(&app, &filed, "0");
    assert_eq!(standing(&app, &filed), "not_consented");
    consent(&app, &filed, "1");
    assert_eq!(standing(&app, &filed), "published");
}

#[test]
fn without_any_answer_a_consented_case_is_published_fifteen_days_after_filing() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let filed = ComplaintBuilder::new(m).field("publish", "1").file(&app);
    let unconsented = ComplaintBuilder::new(m).order_ref("DY0000000002").file(&app);
    app.clock.advance(Duration::days(15) - Duration::seconds(1));
    assert_eq!(standing(&app, &filed), "due");
    app.clock.advance(Duration::seconds(1));
    assert_eq!(standing(&app, &filed), "published", "at exactly fifteen days");
    assert!(app.get(&filed).body.contains("这件投诉已公示"));
    assert_eq!(standing(&app, &unconsented), "not_consented");
    // Given late, consent publishes at once what is past its fifteen days.
    consent(&app, &unconsented, "1");
    assert_eq!(standing(&app, &unconsented), "published");
}

#[test]
fn a_platform_files_with_consent_only_when_it_says_so() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let api = app.platform_api();
    let mut body = serde_json::json!({
        "merchant": m, "order_ref": "DY4829301756", "category": "false_advertising",
        "desired_resolution": "return_refund", "description": DESCRIPTION, "consumer_name": "王芳",
        "consumer_phone": "13800138000",
    });
    let file = |key: &str, body: &serde_json::Value| {
        let bytes = serde_json::to_vec(body).unwrap();
        api.post_with("/api/v1/complaints", "application/json", &[("Idempotency-Key", key)], &bytes)
    };
    let plain = file("k1", &body);
    assert_eq!(plain.status, StatusCode::CREATED, "{}", plain.body);
    body["publish"] = true.into();
    let consented = file("k2", &body);
    assert_eq!(consented.status, StatusCode::CREATED, "{}", consented.body);
    body["publish"] = "yes".into();
    assert_eq!(file("k3", &body).status, StatusCode::UNPROCESSABLE_ENTITY, "a boolean or nothing");
    let path =
        |answer: &ApiAnswer| answer.json()["tracking_url"].as_str().unwrap().split("/t/").nth(1).unwrap().to_owned();
    assert_eq!(standing(&app, &format!("/t/{}", path(&plain))), "not_consented");
    assert_eq!(standing(&app, &format!("/t/{}", path(&consented))), "due");

    let doc = ApiClient::new(&app, None).get("/api/v1/openapi.json").json();
    let publish = &doc["components"]["schemas"]["NewComplaintBody"]["properties"]["publish"];
    assert_eq!((publish["type"].as_str(), publish["default"].as_bool()), (Some("boolean"), Some(false)), "{publish}");
}

/// Consent at filing costs intake one statement, an insert of what it has
/// at hand, prepared once per connection like the rest.
#[test]
fn consent_at_intake_is_one_prepared_insert() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's statement cache; PostgreSQL runs the same code above.
    }
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let mut conn = app.pool.get().unwrap();
    let mut file = |publish: &str| {
        crate::statements::recorded(&mut conn, |conn| {
            for n in 0..3 {
                let order = format!("DY{publish}{n}");
                let c = ComplaintBuilder::new(m).order_ref(&order).field("publish", publish);
                c.insert(conn, &app.config, redress::clock::Clock::now(&app.clock));
            }
        })
    };
    let rows = |runs: &[String]| {
        runs.iter().filter(|q| ["SELECT", "INSERT", "UPDATE"].iter().any(|v| q.starts_with(v))).count()
    };
    file(""); // The risk rules are read once, and kept.
    let (plain, _) = file("");
    let (consented, prepared) = file("1");
    assert_eq!(rows(&consented), rows(&plain) + 3, "one more statement a complaint");
    let inserts: Vec<&String> = consented.iter().filter(|q| q.contains("register_entries")).collect();
    assert_eq!(inserts.len(), 3, "{consented:#?}");
    assert!(inserts.iter().all(|q| q.starts_with("INSERT INTO `register_entries`")), "{inserts:?}");
    assert_eq!(prepared.iter().filter(|q| q.contains("register_entries")).count(), 1, "prepared once");
}

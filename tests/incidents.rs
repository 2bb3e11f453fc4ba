//! Incidents (machine discovery): five complaints naming one product,
//! live session or host within 24 hours open one incident, once, however
//! they arrive (one by one, at once, through two instances); more join it;
//! supervisors are told once; the pages list and show it.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::live::{ProductCategory, Review};
use redress::store::schema::{incident_complaints, incidents, outbox};
use scraper::Html;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::plans::captured;

/// A merchant selling one approved product through one host in one room,
/// in a session the day before the test starts.
pub struct Shop {
    pub merchant: i64,
    pub room: i64,
    pub host: i64,
    pub product: i64,
    pub session: i64,
}

pub fn shop(app: &TestApp, name: &str) -> Shop {
    let merchant = MerchantBuilder::new(name).build(app);
    let room = live::room(app, merchant);
    let host = live::host(app, merchant, false);
    let product = live::product(app, merchant, ProductCategory::Food, Review::Approved);
    let session = live::session(app, merchant, (room, host), &[product], app.clock.now() - Duration::days(1));
    Shop { merchant, room, host, product, session }
}

impl Shop {
    pub fn about_product(&self) -> ComplaintBuilder {
        ComplaintBuilder::new(self.merchant).field("product", &self.product.to_string())
    }

    /// About the live session, and so its host.
    pub fn via_session(&self) -> ComplaintBuilder {
        ComplaintBuilder::new(self.merchant).field("live_session", &self.session.to_string())
    }
}

/// Every incident as stored: (subject, subject id, complaint count, state).
fn stored(app: &TestApp) -> Vec<(String, i64, i32, String)> {
    let conn = &mut app.pool.get().unwrap();
    incidents::table
        .select((incidents::subject, incidents::subject_id, incidents::complaint_count, incidents::state))
        .order(incidents::id)
        .load(conn)
        .unwrap()
}

/// An open incident as [`stored`] reads it.
fn row(subject: &str, id: i64, complaints: i32) -> (String, i64, i32, String) {
    (subject.to_owned(), id, complaints, "open".to_owned())
}

fn members_of(app: &TestApp, subject: &str) -> i64 {
    let conn = &mut app.pool.get().unwrap();
    incident_complaints::table
        .inner_join(incidents::table)
        .filter(incidents::subject.eq(subject))
        .count()
        .get_result(conn)
        .unwrap()
}

/// The subjects of the notices supervisors were sent about incidents.
fn notices(app: &TestApp) -> Vec<String> {
    let conn = &mut app.pool.get().unwrap();
    outbox::table.filter(outbox::kind.eq("supervisor_incident")).select(outbox::subject).load(conn).unwrap()
}

/// How many supervisors there are to tell (the test data's product
/// reviews make one too).
fn supervisors(app: &TestApp) -> usize {
    use redress::store::schema::users;
    let conn = &mut app.pool.get().unwrap();
    let n: i64 = users::table.filter(users::role.eq("supervisor")).count().get_result(conn).unwrap();
    n as usize
}

fn list(boss: &Client) -> Html {
    boss.get("/supervisor/incidents").html()
}

#[test]
fn the_fifth_complaint_about_a_product_in_a_day_opens_one_incident_and_the_sixth_joins_it() {
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "成都蜀香源食品有限公司");
    ComplaintBuilder::new(s.merchant).file(&app); // about no product
    for _ in 0..4 {
        s.about_product().file(&app);
        app.clock.advance(Duration::hours(1));
    }
    assert!(stored(&app).is_empty(), "four open nothing");
    assert!(list(&boss).select_all("[data-incident]").is_empty());
    assert!(notices(&app).is_empty());

    s.about_product().file(&app);
    assert_eq!(stored(&app), [row("product", s.product, 5)]);
    assert_eq!(members_of(&app, "product"), 5, "the five of the window, not the one about no product");
    let told = notices(&app);
    assert_eq!(told.len(), supervisors(&app), "each supervisor told once: {told:?}");
    assert!(told[0].contains("成都蜀香源食品有限公司") && told[0].contains("24 小时内 5 件"), "{}", told[0]);

    app.clock.advance(Duration::hours(1));
    s.about_product().file(&app);
    assert_eq!(stored(&app), [row("product", s.product, 6)], "joined, not opened again");
    assert_eq!(members_of(&app, "product"), 6);
    assert_eq!(notices(&app).len(), supervisors(&app), "told once per incident");
}

#[test]
fn complaints_spread_over_more_than_the_window_open_none_until_five_fall_within_it() {
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    // At 0, 7, 14, 21 and 28 hours: any 24 hours hold four at most.
    for i in 0..5 {
        if i > 0 {
            app.clock.advance(Duration::hours(7));
        }
        s.about_product().file(&app);
    }
    assert!(stored(&app).is_empty(), "{:?}", stored(&app));
    // An hour later, 7 to 29 hold five: the first is not among them.
    app.clock.advance(Duration::hours(1));
    s.about_product().file(&app);
    assert_eq!(stored(&app), [row("product", s.product, 5)]);
    assert_eq!(members_of(&app, "product"), 5);
}

#[test]
fn five_filed_at_once_open_exactly_one_incident() {
    let app = spawn_app();
    app.supervisor();
    let s = shop(&app, "广州美颜堂化妆品有限公司");
    let start = Arc::new(Barrier::new(5));
    std::thread::scope(|scope| {
        for i in 0..5 {
            let (client, start) = (app.client(), start.clone());
            let complaint = s.about_product().order_ref(&format!("DY88000{i}"));
            scope.spawn(move || {
                let form = client.get("/complaints/new");
                let token = csrf(&form.body);
                let mut fields = vec![("csrf_token", token.as_str())];
                fields.extend(complaint.fields());
                start.wait();
                let res = client.post("/complaints", &fields);
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            });
        }
    });
    assert_eq!(stored(&app), [row("product", s.product, 5)]);
    assert_eq!(members_of(&app, "product"), 5);
    assert_eq!(notices(&app).len(), supervisors(&app));
}

#[test]
fn a_session_and_its_host_each_get_their_own_incident_with_its_pages() {
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "深圳极光数码科技有限公司");
    for _ in 0..5 {
        s.via_session().file(&app);
    }
    let mut found = stored(&app);
    found.sort();
    let expected = [row("host", s.host, 5), row("session", s.session, 5)];
    assert_eq!(found, expected, "two incidents from the same five");
    assert_eq!((members_of(&app, "session"), members_of(&app, "host")), (5, 5));
    assert_eq!(notices(&app).len(), 2 * supervisors(&app), "each supervisor told of each incident once");

    let page = list(&boss);
    let rows = page.select_attrs("[data-incident]", "data-subject");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let href = page.select_attr("[data-subject=\"session\"] a.incident-link", "href").unwrap();
    let session_page = boss.get(&href).html();
    let links = session_page.select_attrs("a.incident-about", "href");
    assert_eq!(links, [format!("/supervisor/rooms/{}", s.room), format!("/supervisor/hosts/{}", s.host)]);
    let href = page.select_attr("[data-subject=\"host\"] a.incident-link", "href").unwrap();
    let host_page = boss.get(&href).html();
    assert_eq!(host_page.select_attrs("a.incident-about", "href"), [format!("/supervisor/hosts/{}", s.host)]);
}

#[test]
fn the_pages_list_the_incident_and_show_its_complaints_timeline_and_merchant() {
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "上海暖阳服饰有限公司");
    let mut filed = Vec::new();
    for hour in 0..5 {
        if hour > 0 {
            app.clock.advance(Duration::minutes(if hour == 3 { 120 } else { 60 }));
        }
        let category = if hour == 4 { "counterfeit" } else { "false_advertising" };
        let c = s.about_product().category(category);
        // One says the food lowers blood pressure: its risk label shows.
        let c = if hour == 2 {
            c.description("主播说这款腊肠能降血压，我给父母买了两箱，吃了以后血压反而更高了。")
        } else {
            c
        };
        filed.push(c.file(&app));
    }
    let product = {
        let conn = &mut app.pool.get().unwrap();
        redress::store::live::find_product(conn, s.product).unwrap().unwrap().name
    };

    let page = list(&boss);
    let row = page.select_first("[data-incident][data-subject=\"product\"]").expect("listed");
    assert_eq!(row.select_text(".incident-subject").as_deref(), Some("商品"));
    assert_eq!(row.select_text("a.incident-link"), Some(product.clone()));
    assert_eq!(row.select_attr("a.incident-merchant", "href"), Some(format!("/supervisor/merchants/{}", s.merchant)));
    assert_eq!(row.select_text("a.incident-merchant").as_deref(), Some("上海暖阳服饰有限公司"));
    assert_eq!(row.select_attr("[data-count]", "data-count").as_deref(), Some("5"));
    assert_eq!(row.value().attr("data-incident-state"), Some("open"));
    assert!(row.select_first("time").is_some(), "when it was opened");
    let href = row.select_attr("a.incident-link", "href").unwrap();
    assert!(href.starts_with("/supervisor/incidents/"));

    let html = boss.get(&href).body;
    let incident = parse(&html);
    assert_eq!(incident.select_attrs("a.incident-about", "href"), [format!("/supervisor/products/{}", s.product)]);
    let references: Vec<String> = filed.iter().map(|f| f.reference(&app)).collect();
    let linked = incident.select_attrs("[data-member] a", "href");
    let expected: Vec<String> = references.iter().map(|r| format!("/supervisor/complaints/{r}")).collect();
    assert_eq!(linked, expected, "every complaint, in the order they came");
    let categories = incident.select_texts("[data-member] .member-category");
    assert_eq!(categories, ["虚假宣传", "虚假宣传", "虚假宣传", "虚假宣传", "假冒伪劣"]);
    let risks: Vec<Vec<String>> =
        incident.select_all("[data-member] .member-risk").into_iter().map(|td| td.select_texts(".badge")).collect();
    assert!(risks[0].is_empty() && risks[1].is_empty() && risks[3].is_empty(), "{risks:?}");
    assert!(risks[2].contains(&"健康功效宣称".to_owned()), "the matched rule's label: {risks:?}");
    // Five arrivals over six hours (none in the fifth): a column an hour.
    let columns = incident.select_all("svg.chart rect.bar");
    assert_eq!(columns.len(), 6, "{html}");
    let counts: Vec<String> = incident.select_texts("svg.chart rect.bar title");
    let per_hour: Vec<&str> = counts.iter().map(|c| c.rsplit(" · ").next().unwrap()).collect();
    assert_eq!(per_hour, ["1", "1", "1", "0", "1", "1"]);
    assert_eq!(counts[0], "11-20 10:00 · 1", "in the deployment's zone");
    let record = incident.select_attr("#merchant-title + p a.incident-merchant", "href");
    assert_eq!(record, Some(format!("/supervisor/merchants/{}", s.merchant)));
    assert_eq!(incident.select_attr("[data-supervision]", "data-supervision").as_deref(), Some("none"));
    assert!(incident.select_all("[data-action]").is_empty(), "no actions in force yet");

    // In English too.
    let en = boss.get(&format!("{href}?lang=en")).html();
    assert_eq!(en.select_text(".incident-subject").as_deref(), Some("Product"));
    assert_eq!(en.select_text("[data-incident-state]").as_deref(), Some("Open"));
}

#[test]
fn only_supervisors_reach_the_incident_pages_and_an_unknown_one_is_not_found() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    for _ in 0..5 {
        s.about_product().file(&app);
    }
    let boss = app.supervisor();
    let href = list(&boss).select_attr("a.incident-link", "href").expect("an incident");
    let staff = app.merchant_staff(s.merchant);
    for path in ["/supervisor/incidents", href.as_str()] {
        assert_eq!(staff.get(path).status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(app.client().get(path).status, StatusCode::SEE_OTHER, "{path}");
    }
    for path in ["/supervisor/incidents/999999", "/supervisor/incidents/x1", "/supervisor/incidents/0"] {
        assert_eq!(boss.get(path).status, StatusCode::NOT_FOUND, "{path}");
    }
    let nav = boss.get("/supervisor").html();
    assert!(nav.select_attrs(".site-nav a", "href").contains(&"/supervisor/incidents".to_owned()));
}

/// Detection's queries read ranges of indexes, never a whole table: the
/// subject's open incident, the subject's complaints of the window (the
/// partial indexes on `(…_id, submitted_at)`), and the list's.
#[test]
fn detection_reads_ranges_of_its_indexes() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's plans; PostgreSQL runs the same queries above.
    }
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    let mut conn = app.pool.get().unwrap();
    let file = |conn: &mut redress::store::DbConnection| {
        let form = redress::domain::complaint::ComplaintForm {
            merchant: s.merchant.to_string(),
            order_ref: "DY4829301756".into(),
            category: "false_advertising".into(),
            desired_resolution: "refund".into(),
            amount: "99.00".into(),
            description: "主播说的和收到的完全不一样，要求退款。".into(),
            consumer_name: "王芳".into(),
            consumer_phone: "13800138000".into(),
            consumer_email: String::new(),
            publish: String::new(),
        };
        let mut c = form.validate().unwrap();
        (c.product_id, c.live_session_id) = (Some(s.product), Some(s.session));
        let at = redress::service::complaints::Intake {
            config: &app.config,
            now: app.clock.now(),
            lang: redress::i18n::Lang::ZhCn,
        };
        redress::service::complaints::submit(conn, &at, &c).unwrap();
    };
    // Counting (four), opening (the fifth), joining (the sixth); the pages.
    let mut queries = captured(&mut conn, |conn| {
        for _ in 0..6 {
            file(conn);
        }
        let t = redress::i18n::Lang::ZhCn.tr();
        let listed = redress::service::incidents::record::list(conn, &t, app.config.tz).unwrap();
        assert_eq!(listed.len(), 3, "product, session and host");
        redress::service::incidents::record::record(conn, &t, app.config.tz, listed[0].incident.id, app.clock.now())
            .unwrap()
            .unwrap();
    });
    queries.dedup();
    let tables = ["complaints", "incidents", "incident_complaints"];
    let (bad, used) = crate::plans::ranges_of(&mut conn, &queries, &tables);
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));
    for index in [
        "complaints_product_submitted",
        "complaints_session_submitted",
        "complaints_host_submitted",
        "incidents_subject",
        "incidents_state_opened",
    ] {
        assert!(used.contains(index), "{index} is used:\n{used}");
    }
}

#[test]
fn the_demo_has_an_incident_about_the_sausages() {
    let app = spawn_app();
    let mut conn = app.pool.get().unwrap();
    redress::service::demo::seed(&mut conn, &app.config, app.clock.now()).unwrap();
    let boss = app.supervisor();
    let page = list(&boss);
    assert_eq!(page.select_texts("a.incident-link"), ["手工川味腊肠"]);
    assert_eq!(page.select_attr("[data-count]", "data-count").as_deref(), Some("5"));
    assert_eq!(notices(&app).len(), 1, "the demo supervisor told once");
}

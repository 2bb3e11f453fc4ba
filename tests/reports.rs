//! User reports (举报): anyone reports a live room or session at /report
//! (what they saw, when, a screenshot and a phone number if they like),
//! without an order; a report is scored by the risk rules, counted toward
//! incidents with the complaints about the same session and host, limited
//! per address, and supervisors see it at /supervisor/reports, on the
//! incident, on the room's page and in the queue, and mark it reviewed or
//! dismiss it with a note on the audit log.

use chrono::Duration;
use diesel::prelude::*;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use redress::clock::Clock;
use redress::domain::limit::{Rate, RateLimits};
use redress::store::schema::{incident_reports, incidents, outbox, reports};
use ureq::http::StatusCode;

use crate::evidence::PDF;
use crate::helpers::*;
use crate::incidents::{Shop, shop};
use crate::plans::{captured, plan};

const BOUNDARY: &str = "----redress-report-boundary-3kX9qPzL";

/// Health claims (40) to older viewers (20): over the default 50.
const HEALTH: &str = "主播说这款保健品能治愈高血压，让老人一次买五盒，说吃了就不用吃药了。";
const ORDINARY: &str = "主播一直在骂发弹幕提问的观众，说买不起就别看，态度很差。";

/// The shop's session (which started a day before the test's clock) half
/// an hour in, as the form's `seen_at` takes it (Shanghai time).
const IN_SESSION: &str = "2026-11-19T10:30";

/// A report of `s`'s room, seen during its session, the session not named.
fn fields(s: &Shop, description: &str) -> Vec<(&'static str, String)> {
    [
        ("merchant", s.merchant.to_string()),
        ("room", s.room.to_string()),
        ("live_session", String::new()),
        ("seen_at", IN_SESSION.to_owned()),
        ("description", description.to_owned()),
        ("phone", String::new()),
    ]
    .into()
}

fn with(mut fields: Vec<(&'static str, String)>, name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    fields.iter_mut().find(|(n, _)| *n == name).expect("a field of the form").1 = value.to_owned();
    fields
}

/// Sends the report form from `client`: url-encoded, or multipart with
/// each of `files` as `screenshot`.
fn send(client: &Client, fields: &[(&'static str, String)], files: &[(&str, &[u8])]) -> Page {
    let merchant = fields.iter().find(|(n, _)| *n == "merchant").map_or("", |(_, v)| v.as_str());
    send_from(client, &format!("/report?merchant={merchant}"), fields, files)
}

/// [`send`], with the CSRF token of the form at `form_path`.
fn send_from(client: &Client, form_path: &str, fields: &[(&'static str, String)], files: &[(&str, &[u8])]) -> Page {
    let token = csrf(&client.get(form_path).body);
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend(fields.iter().map(|(n, v)| (*n, v.as_str())));
    if files.is_empty() {
        return client.post("/report", &all);
    }
    let mut body = Vec::new();
    for (name, value) in &all {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (file, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"screenshot\"; filename=\"{file}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    let res = client
        .agent
        .post(client.url("/report"))
        .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .send(&body[..])
        .unwrap();
    page(res)
}

/// Makes a report the form must accept; returns its reference.
fn report(app: &TestApp, fields: &[(&'static str, String)]) -> String {
    let res = send(&app.browser, fields, &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    thanked(app, &res)
}

/// The reference the thank-you page gives, after a report was made.
fn thanked(app: &TestApp, res: &Page) -> String {
    let to = res.location.as_deref().expect("to the thank-you page");
    assert!(to.starts_with("/report/thanks?ref=JB"), "{to}");
    let thanks = app.get(to).html();
    thanks.select_text("[data-report-reference]").expect("the reference shown")
}

fn screenshot() -> Vec<u8> {
    let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(400, 300, Rgb([200, 40, 40])));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Each stored report: (reference, session, host, phone, screenshot kind).
type Stored = (String, Option<i64>, Option<i64>, Option<String>, Option<String>);

fn stored(app: &TestApp) -> Vec<Stored> {
    let conn = &mut app.pool.get().unwrap();
    reports::table
        .select((
            reports::reference,
            reports::live_session_id,
            reports::host_id,
            reports::phone,
            reports::screenshot_kind,
        ))
        .order(reports::id)
        .load(conn)
        .unwrap()
}

/// How many supervisors there are to tell (the test data's product
/// reviews make one too).
fn supervisors(app: &TestApp) -> usize {
    use redress::store::schema::users;
    let conn = &mut app.pool.get().unwrap();
    let n: i64 = users::table.filter(users::role.eq("supervisor")).count().get_result(conn).unwrap();
    n as usize
}

fn get_bytes(client: &Client, path: &str) -> (StatusCode, String, Vec<u8>) {
    let mut res = client.agent.get(client.url(path)).call().unwrap();
    let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let bytes = res.body_mut().with_config().limit(16 * 1024 * 1024).read_to_vec().unwrap_or_default();
    (res.status(), kind, bytes)
}

/// The supervisors' page of the report with `reference`, from the list.
fn report_page(boss: &Client, reference: &str) -> String {
    let list = boss.get("/supervisor/reports").html();
    list.select_attr(&format!("[data-report=\"{reference}\"] a.report-link"), "href").expect("listed")
}

#[test]
fn a_report_is_made_with_or_without_a_screenshot_and_finds_its_session_from_the_time() {
    let app = spawn_app();
    let s = shop(&app, "广州美颜堂化妆品有限公司");
    // First the merchant, then the rest of the form.
    let first = app.get("/report").html();
    assert!(first.select_first("form[data-report-merchant-form] select[name=merchant]").is_some());
    let second = app.get(&format!("/report?merchant={}", s.merchant)).html();
    let rooms = second.select_attrs("select[name=room] option", "value");
    assert_eq!(rooms, ["".to_owned(), s.room.to_string()]);
    let sessions = second.select_attrs("select[name=live_session] option", "value");
    assert_eq!(sessions, ["".to_owned(), s.session.to_string()], "the merchant's recent sessions, none required");
    assert_eq!(second.select_attr("input[name=seen_at]", "value").as_deref(), Some("2026-11-20T10:00"), "now");
    assert!(app.get("/report?lang=en").body.contains("Report a live room"), "in English too");

    let mails = || -> i64 { outbox::table.count().get_result(&mut app.pool.get().unwrap()).unwrap() };
    let mails_before = mails();
    // With a screenshot and a phone number; the session found from the time.
    let sent = with(fields(&s, HEALTH), "phone", "138 0013 8000");
    let res = send(&app.browser, &sent, &[("直播截图.png", &screenshot())]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let first = thanked(&app, &res);
    // Anonymous, without a screenshot, naming the session; and one seen
    // when no session of the room was under way.
    let named = with(fields(&s, ORDINARY), "live_session", &s.session.to_string());
    let second = report(&app, &named);
    let outside = report(&app, &with(fields(&s, ORDINARY), "seen_at", "2026-11-19T20:00"));
    let (session, host) = (Some(s.session), Some(s.host));
    assert_eq!(
        stored(&app),
        [
            (first.clone(), session, host, Some("13800138000".to_owned()), Some("png".to_owned())),
            (second, session, host, None, None),
            (outside, None, None, None, None),
        ]
    );

    // The screenshot is the supervisors' alone, made anew like evidence.
    let boss = app.supervisor();
    let href = report_page(&boss, &first);
    let html = boss.get(&href).html();
    let shot = html.select_attr("a[data-screenshot]", "href").expect("the screenshot linked");
    let (status, kind, bytes) = get_bytes(&boss, &shot);
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 400);
    let (status, kind, _) = get_bytes(&boss, &format!("{shot}/thumb"));
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/jpeg"));
    assert_eq!(app.client().get(&shot).status, StatusCode::SEE_OTHER, "to the sign-in");
    assert_eq!(app.merchant_staff(s.merchant).get(&shot).status, StatusCode::FORBIDDEN);
    assert_eq!(html.select_attr("a.report-room", "href"), Some(format!("/supervisor/rooms/{}", s.room)));
    assert_eq!(html.select_attr("a.report-host", "href"), Some(format!("/supervisor/hosts/{}", s.host)));
    assert_eq!(html.select_text("[data-report-phone]").as_deref(), Some("13800138000"));
    // The merchant is not told: a report is the platform's.
    assert_eq!(mails(), mails_before, "no notice of a report to anyone");
}

#[test]
fn a_report_refused_keeps_what_was_typed_and_stores_nothing() {
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    let other = shop(&app, "深圳极光数码科技有限公司");
    let kept = |res: &Page, field: &str| {
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(textarea_value(&res.body, "description").as_deref(), Some(HEALTH), "what was seen, kept");
        field_error(&res.body, field).unwrap_or_else(|| panic!("an error at {field}: {}", res.body))
    };
    // Not an image: a PDF is evidence, not a screenshot.
    let pdf = send(&app.browser, &fields(&s, HEALTH), &[("截图.pdf", PDF)]);
    assert!(kept(&pdf, "screenshot").contains("截图.pdf"));
    let two = send(&app.browser, &fields(&s, HEALTH), &[("a.png", &screenshot()), ("b.png", &screenshot())]);
    kept(&two, "screenshot");
    // Tomorrow, garbage, too short, a bad phone number: each at its field.
    kept(&send(&app.browser, &with(fields(&s, HEALTH), "seen_at", "2026-11-21T09:00"), &[]), "seen_at");
    let typed = with(with(fields(&s, HEALTH), "seen_at", "昨天晚上"), "phone", "12345");
    let res = send(&app.browser, &typed, &[]);
    kept(&res, "seen_at");
    assert!(field_error(&res.body, "phone").is_some());
    assert_eq!(input_value(&res.body, "phone").as_deref(), Some("12345"), "kept as typed");
    let short = send(&app.browser, &fields(&s, "太差了"), &[]);
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&short.body, "description").is_some());
    // Another merchant's room, or session: not this merchant's.
    kept(&send(&app.browser, &with(fields(&s, HEALTH), "room", &other.room.to_string()), &[]), "room");
    let elsewhere = with(fields(&s, HEALTH), "live_session", &other.session.to_string());
    kept(&send(&app.browser, &elsewhere, &[]), "live_session");
    let form = format!("/report?merchant={}", s.merchant);
    let gone = send_from(&app.browser, &form, &with(fields(&s, HEALTH), "merchant", "999999"), &[]);
    assert_eq!(gone.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", gone.body);
    assert!(field_error(&gone.body, "merchant").is_some(), "{}", gone.body);
    // In English, the same.
    let en = app.client();
    en.get("/?lang=en");
    let res = send(&en, &with(fields(&s, HEALTH), "seen_at", "2026-11-21T09:00"), &[]);
    assert_eq!(
        field_error(&res.body, "seen_at").as_deref(),
        Some("That time has not come yet: give the time you saw it.")
    );
    // A forged form.
    let mut forged: Vec<(&str, &str)> = vec![("csrf_token", "forged")];
    let typed = fields(&s, HEALTH);
    forged.extend(typed.iter().map(|(n, v)| (*n, v.as_str())));
    assert_eq!(app.client().post("/report", &forged).status, StatusCode::FORBIDDEN);
    assert!(stored(&app).is_empty(), "nothing stored: {:?}", stored(&app));
    assert_eq!(app.get("/report/thanks?ref=%3Cb%3Ex%3C%2Fb%3E").status, StatusCode::NOT_FOUND);
}

#[test]
fn reports_from_one_address_are_limited() {
    let app = spawn_app_with(|c| c.rate_limits = RateLimits { reports: Some(Rate::per_minute(2)), ..RateLimits::OFF });
    let s = shop(&app, "成都蜀香源食品有限公司");
    report(&app, &fields(&s, ORDINARY));
    report(&app, &fields(&s, ORDINARY));
    let third = send(&app.browser, &fields(&s, HEALTH), &[]);
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS, "{}", third.body);
    assert_eq!(third.headers.get("retry-after").unwrap(), "30");
    assert_eq!(textarea_value(&third.body, "description").as_deref(), Some(HEALTH), "the form kept");
    assert_eq!(stored(&app).len(), 2);
    // Complaints are counted apart.
    ComplaintBuilder::new(s.merchant).file(&app);
}

#[test]
fn the_default_rules_flag_a_health_claim_report_and_it_is_listed_first() {
    let app = spawn_app();
    let s = shop(&app, "广州美颜堂化妆品有限公司");
    let health = report(&app, &fields(&s, HEALTH));
    app.clock.advance(Duration::minutes(5));
    let ordinary = report(&app, &fields(&s, ORDINARY));
    let boss = app.supervisor();
    let list = boss.get("/supervisor/reports").html();
    let rows: Vec<(String, Option<String>)> = list
        .select_all("li[data-report]")
        .into_iter()
        .map(|row| (row.attr("data-report").unwrap().to_owned(), row.attr("data-risk").map(str::to_owned)))
        .collect();
    assert_eq!(rows, [(health.clone(), Some("high".to_owned())), (ordinary.clone(), None)], "high-risk first");
    let labels = list.select_attrs(&format!("[data-report=\"{health}\"] [data-risk-label]"), "data-risk-label");
    assert!(labels.contains(&"健康功效宣称".to_owned()), "{labels:?}");
    assert!(
        list.select_attrs(&format!("[data-report=\"{ordinary}\"] [data-risk-label]"), "data-risk-label").is_empty()
    );
    let row = list.select_first(&format!("[data-report=\"{health}\"]")).unwrap();
    assert_eq!(row.select_attr("a.report-room", "href"), Some(format!("/supervisor/rooms/{}", s.room)));
    assert_eq!(row.select_attr("a.report-merchant", "href"), Some(format!("/supervisor/merchants/{}", s.merchant)));
    assert!(row.select_text(".report-session").is_some(), "the session found");
    // Its page marks the words, as typed.
    let html = boss.get(&report_page(&boss, &health)).html();
    assert_eq!(html.select_texts("[data-report-description] mark"), ["治愈", "老人"]);
    // The queue says there are reports waiting.
    let queue = boss.get("/supervisor").html();
    let waiting = queue.select_text("[data-reports-waiting]").expect("reports waiting, in the queue");
    assert!(waiting.contains('2') && waiting.contains('1'), "{waiting}");
    assert!(queue.select_attrs(".site-nav a", "href").contains(&"/supervisor/reports".to_owned()));
}

#[test]
fn reports_and_complaints_about_one_session_open_one_incident_which_lists_the_reports() {
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "上海暖阳服饰有限公司");
    for _ in 0..3 {
        s.via_session().file(&app);
    }
    let named = with(fields(&s, HEALTH), "live_session", &s.session.to_string());
    let fourth = report(&app, &named);
    let conn = &mut app.pool.get().unwrap();
    let count: i64 = incidents::table.count().get_result(conn).unwrap();
    assert_eq!(count, 0, "four open nothing");
    // The fifth, a report whose session is found from the time, opens one
    // incident about the session and one about its host.
    let fifth = report(&app, &fields(&s, ORDINARY));
    let opened: Vec<(String, i64, i32)> = incidents::table
        .select((incidents::subject, incidents::subject_id, incidents::complaint_count))
        .order(incidents::subject)
        .load(conn)
        .unwrap();
    assert_eq!(opened, [("host".to_owned(), s.host, 3), ("session".to_owned(), s.session, 3)]);
    let reports_in: i64 = incident_reports::table.count().get_result(conn).unwrap();
    assert_eq!(reports_in, 4, "both reports in both incidents");
    let told: Vec<String> =
        outbox::table.filter(outbox::kind.eq("supervisor_incident")).select(outbox::body_text).load(conn).unwrap();
    let supervisors = supervisors(&app);
    assert_eq!(told.len(), 2 * supervisors, "each supervisor told of each incident once");
    assert!(told[0].contains("3 件投诉和 2 件用户举报"), "{}", told[0]);

    // More join: a report and a complaint, and nothing opens again.
    app.clock.advance(Duration::hours(1));
    let sixth = report(&app, &fields(&s, ORDINARY));
    s.via_session().file(&app);
    let counts: Vec<i32> = incidents::table.select(incidents::complaint_count).load(conn).unwrap();
    assert_eq!(counts, [4, 4], "opened once each; the complaint counted");
    let reports_in: i64 = incident_reports::table.count().get_result(conn).unwrap();
    assert_eq!(reports_in, 6);
    let told: i64 = outbox::table.filter(outbox::kind.eq("supervisor_incident")).count().get_result(conn).unwrap();
    assert_eq!(told as usize, 2 * supervisors, "told once per incident");

    let list = boss.get("/supervisor/incidents").html();
    let href = list.select_attr("[data-subject=\"session\"] a.incident-link", "href").unwrap();
    let page = boss.get(&href).html();
    assert_eq!(page.select_attrs("[data-member-report]", "data-member-report"), [fourth.clone(), fifth, sixth]);
    assert_eq!(page.select_all("[data-member]").len(), 4, "and the complaints");
    let risks = page.select_texts(&format!("[data-member-report=\"{fourth}\"] .badge"));
    assert!(risks.contains(&"健康功效宣称".to_owned()), "{risks:?}");
    // The report's page says which incidents it is in; the room's page
    // lists its reports.
    let report_href = page.select_attr(&format!("[data-member-report=\"{fourth}\"] a"), "href").unwrap();
    assert_eq!(boss.get(&report_href).html().select_attrs("a.report-incident", "href").len(), 2);
    let room = boss.get(&format!("/supervisor/rooms/{}", s.room)).html();
    assert_eq!(room.select_attr("[data-room-reports]", "data-room-reports").as_deref(), Some("3"));
    assert_eq!(room.select_all("[data-member-report]").len(), 3);
}

#[test]
fn only_supervisors_see_reports_and_a_dismissal_needs_a_note_and_is_on_the_audit_log() {
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    let reference = report(&app, &fields(&s, ORDINARY));
    let boss = app.supervisor();
    let href = report_page(&boss, &reference);
    let staff = app.merchant_staff(s.merchant);
    for path in ["/supervisor/reports", href.as_str()] {
        assert_eq!(staff.get(path).status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(app.client().get(path).status, StatusCode::SEE_OTHER, "{path}");
    }
    for path in ["/supervisor/reports/999999", "/supervisor/reports/x", "/supervisor/reports/0"] {
        assert_eq!(boss.get(path).status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(staff.submit(&href, &href, &[("decision", "dismiss"), ("note", "重复")]).status, StatusCode::FORBIDDEN);

    let blank = boss.submit(&href, &href, &[("decision", "dismiss"), ("note", " ")]);
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);
    assert!(field_error(&blank.body, "note").is_some(), "{}", blank.body);
    let note = "同一观众重复举报，直播回放中没有看到所说内容。";
    let done = boss.submit(&href, &href, &[("decision", "dismiss"), ("note", note)]);
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let html = boss.get(done.location.as_deref().unwrap()).html();
    assert_eq!(html.select_attr("[data-report-state]", "data-report-state").as_deref(), Some("dismissed"));
    assert_eq!(html.select_text("[data-report-note]").as_deref(), Some(note));
    assert!(html.select_first("button[name=decision]").is_none(), "decided once");
    let again = boss.submit(&href, &href, &[("decision", "review"), ("note", "")]);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);

    let log = boss.get("/supervisor/audit").html();
    let row = log.select_first("li[data-audit-kind=report_decided]").expect("on the audit log");
    assert_eq!(row.select_text("[data-subject]"), Some(format!("report {reference}")));
    assert!(row.select_text("[data-detail]").unwrap().contains(note));
    let entries = log.select_all("li[data-audit-kind=report_decided]").len();
    assert_eq!(entries, 1, "the refused tries are not");
    let list = boss.get("/supervisor/reports").html();
    assert_eq!(
        list.select_attr(&format!("[data-report=\"{reference}\"]"), "data-report-state").as_deref(),
        Some("dismissed")
    );
}

#[test]
fn the_demo_has_three_reports_two_flagged_high_risk_above_the_third() {
    let app = spawn_app();
    let mut conn = app.pool.get().unwrap();
    let seeded = redress::service::demo::seed(&mut conn, &app.config, app.clock.now()).unwrap();
    assert_eq!(seeded.complaints.len(), 15, "the demo complaints as before");
    let boss = app.supervisor();
    let list = boss.get("/supervisor/reports").html();
    let rows = list.select_all("li[data-report]");
    assert_eq!(rows.len(), 3);
    let risks: Vec<Option<&str>> = rows.iter().map(|r| r.attr("data-risk")).collect();
    assert_eq!(risks, [Some("high"), Some("high"), None], "the high-risk ones first");
    let labels: Vec<String> =
        rows.iter().flat_map(|r| r.select_attrs("[data-risk-label]", "data-risk-label")).collect();
    for label in ["健康功效宣称", "老年消费者", "诱导站外交易"] {
        assert!(labels.contains(&label.to_owned()), "{labels:?}");
    }
    let states = list.select_attrs("li[data-report]", "data-report-state");
    assert_eq!(states.iter().filter(|s| *s == "reviewed").count(), 1, "{states:?}");
}

/// The reports' queries read ranges of their indexes: detection's counts
/// and members (with the complaints'), the session found from the time,
/// the supervisors' list, a room's, an incident's and the queue's count.
#[test]
fn report_queries_read_ranges_of_their_indexes() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's plans; the PostgreSQL run goes through the same queries above.
    }
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    for _ in 0..4 {
        s.via_session().file(&app);
    }
    let mut conn = app.pool.get().unwrap();
    let tz = app.config.tz;
    let queries = captured(&mut conn, |conn| {
        let now = app.clock.now();
        let form = redress::domain::report::ReportForm {
            merchant: s.merchant.to_string(),
            room: s.room.to_string(),
            seen_at: IN_SESSION.into(),
            description: HEALTH.into(),
            ..Default::default()
        };
        let r = form.validate(tz, now).unwrap();
        let at = redress::service::reports::Taken { config: &app.config, now, lang: redress::i18n::Lang::ZhCn };
        let made = conn.write(|conn| redress::service::reports::make(conn, &at, &r, None)).unwrap();
        assert_eq!(made.incidents.opened.len(), 2, "session and host");
        redress::store::reports::listed(conn, 200).unwrap();
        redress::store::reports::of_room(conn, s.room, 10).unwrap();
        redress::store::reports::waiting(conn).unwrap();
        redress::store::reports::of_incident(conn, made.incidents.opened[0]).unwrap();
        redress::store::reports::incidents_of(conn, made.id).unwrap();
    });
    let mut used = String::new();
    let mut bad = Vec::new();
    for sql in queries.iter().filter(|q| q.trim_start().starts_with("SELECT")) {
        for detail in plan(&mut conn, sql) {
            let scans = ["reports", "live_sessions", "incident_reports", "complaints"]
                .iter()
                .any(|t| detail.starts_with(&format!("SCAN {t}")) && !detail.contains("INDEX"));
            if scans {
                bad.push(format!("{sql}\n  -> {detail}"));
            }
            used.push_str(&detail);
            used.push('\n');
        }
    }
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));
    for index in [
        "reports_session_created",
        "reports_host_created",
        "reports_state_risk",
        "reports_created",
        "reports_room_created",
        "live_sessions_merchant",
    ] {
        assert!(used.contains(index), "{index} is used:\n{used}");
    }
}

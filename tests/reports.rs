//! User reports (举报): anyone reports a live room or session at /report
//! (what they saw, when, a screenshot and a phone number if they like),
//! without an order; a report is scored by the risk rules, counted toward
//! incidents with the complaints about the same session and host, limited
//! per address, and supervisors see it at /supervisor/reports, on the
//! incident, on the room's page and in the queue, and mark it reviewed or
//! dismiss it with a note on the audit log.

use diesel::prelude::*;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use redress::domain::limit::{Rate, RateLimits};
use redress::store::schema::{outbox, reports};
use ureq::http::StatusCode;

use crate::evidence::PDF;
use crate::helpers::*;
use crate::incidents::{Shop, shop};

mod supervisors;

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
fn a_purge_removes_reports_decided_more_than_3_years_ago_with_their_screenshots() {
    use redress::clock::Clock;
    use redress::service::retention::purge;
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    let res = send(&app.browser, &fields(&s, HEALTH), &[("截图.png", &screenshot())]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let decided = thanked(&app, &res);
    let waiting = report(&app, &fields(&s, ORDINARY));
    let boss = app.supervisor();
    let href = report_page(&boss, &decided);
    let done = boss.submit(&href, &href, &[("decision", "dismiss"), ("note", "回放中没有看到所说内容。")]);
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let files = |app: &TestApp| walk(&app.config.upload_dir);
    assert_eq!(files(&app).len(), 2, "the screenshot and its thumbnail");

    app.clock.advance(chrono::Duration::days(3 * 365 + 2));
    let tz = app.config.tz;
    let day_after = (start_time() + chrono::Duration::days(1)).with_timezone(&tz).date_naive();
    let mut conn = app.pool.get().unwrap();
    let removed = purge(&mut conn, &app.config.upload_dir, day_after, tz, app.clock.now(), false).unwrap();
    assert_eq!(removed.reports, 1);
    let left: Vec<String> = stored(&app).into_iter().map(|r| r.0).collect();
    assert_eq!(left, [waiting], "a report nobody decided on stays, however old");
    assert!(files(&app).is_empty(), "its screenshot went with it");
    assert_eq!(boss.get(&href).status, StatusCode::NOT_FOUND);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

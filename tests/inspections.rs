//! Platform inspections (巡查) through the real server: a supervisor records
//! one (when, what was found, a verdict, evidence); it is listed, shown,
//! and on the room's page and the merchant's record; it can open an
//! incident by hand, once, with supervisors told once, or lead to a
//! measure on the room or host through the same path as their own pages;
//! refusals keep what was typed.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use redress::clock::Clock;
use redress::store::schema::{incidents, outbox};
use ureq::http::StatusCode;

use crate::evidence::{PDF, send_with_files};
use crate::helpers::*;
use crate::incidents::{Shop, shop};

const FORM: &str = "/supervisor/inspections/new";
const FOUND: &str = "20:30 主播口播这款腊肠“降血压、通血管”，并引导观众加微信私下下单。";

fn local(app: &TestApp, at: DateTime<Utc>) -> String {
    at.with_timezone(&app.config.tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// Half an hour into the shop's session (which began a day ago).
pub fn during(app: &TestApp) -> String {
    local(app, app.clock.now() - Duration::days(1) + Duration::minutes(30))
}

fn png() -> Vec<u8> {
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(120, 80, image::Rgb([200, 40, 40])));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The form's fields as a browser sends them, what was found as [`FOUND`].
fn fields<'a>(room: &'a str, at: &'a str, verdict: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("room", room), ("inspected_at", at), ("found", FOUND), ("verdict", verdict)]
}

/// Records an inspection of `room` at `at` through the form; its page.
pub fn record(boss: &Client, room: i64, at: &str, verdict: &str) -> String {
    let form = format!("{FORM}?room={room}");
    let room = room.to_string();
    let res = boss.submit(&form, "/supervisor/inspections", &fields(&room, at, verdict));
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    res.location.unwrap().split('?').next().unwrap().to_owned()
}

fn id_of(page: &str) -> i64 {
    page.rsplit('/').next().unwrap().parse().unwrap()
}

/// Every incident as stored: (subject, subject id, complaints).
fn stored(app: &TestApp) -> Vec<(String, i64, i32)> {
    let conn = &mut app.pool.get().unwrap();
    incidents::table
        .select((incidents::subject, incidents::subject_id, incidents::complaint_count))
        .order(incidents::id)
        .load(conn)
        .unwrap()
}

/// The notices of `kind` queued: (recipient, subject, text as a reader
/// shows it, its wrapped lines joined).
fn notices(app: &TestApp, kind: &str) -> Vec<(String, String, String)> {
    let conn = &mut app.pool.get().unwrap();
    let rows: Vec<(String, String, String)> = outbox::table
        .filter(outbox::kind.eq(kind))
        .select((outbox::recipient, outbox::subject, outbox::body_text))
        .load(conn)
        .unwrap();
    rows.into_iter().map(|(to, subject, text)| (to, subject, redress::mail::wrap::unflow(&text))).collect()
}

fn audit_kinds(boss: &Client) -> Vec<String> {
    boss.get("/supervisor/audit").html().select_attrs("li[data-audit-kind]", "data-audit-kind")
}

#[test]
fn an_inspection_with_evidence_is_listed_shown_and_on_its_rooms_page() {
    let app = spawn_app();
    let boss = app.supervisor();
    let Shop { merchant, room, host, product, session } = shop(&app, "成都蜀香源食品有限公司");
    let form = format!("{FORM}?room={room}");
    let page = boss.get(&form);
    assert_eq!(page.status, StatusCode::OK);
    let offered = page.html().select_attrs("select[name=live_session] option", "value");
    assert_eq!(offered, ["".to_owned(), session.to_string()], "found by the time, or the room's session");
    let room_text = room.to_string();

    // Mistakes: each next to its field, what was typed kept.
    let at = during(&app);
    let res = send_with_files(&boss, &form, "/supervisor/inspections", &fields(&room_text, &at, "fine"), &[]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(field_error(&res.body, "verdict").is_some(), "{}", res.body);
    assert_eq!(textarea_value(&res.body, "found").as_deref(), Some(FOUND), "kept");
    let later = local(&app, app.clock.now() + Duration::hours(1));
    let res = send_with_files(
        &boss,
        &form,
        "/supervisor/inspections",
        &fields(&room_text, &later, "violation"),
        &[("a.png", &png())],
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "inspected_at").as_deref(), Some("巡查时间不能晚于现在。"));
    assert_eq!(textarea_value(&res.body, "found").as_deref(), Some(FOUND));
    assert!(field_error(&res.body, "evidence").is_some(), "the files need choosing again");
    let res = send_with_files(
        &boss,
        &form,
        "/supervisor/inspections",
        &fields(&room_text, &at, "violation"),
        &[("shell.png", b"<?php echo 1; ?>")],
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a script is no picture");
    assert!(field_error(&res.body, "evidence").unwrap().contains("shell.png"));
    assert_eq!(textarea_value(&res.body, "found").as_deref(), Some(FOUND));
    let mut other = fields(&room_text, &at, "violation");
    let another_room = live::room(&app, merchant);
    let elsewhere =
        live::session(&app, merchant, (another_room, host), &[product], app.clock.now() - Duration::hours(5));
    let elsewhere = elsewhere.to_string();
    other.push(("live_session", &elsewhere));
    let res = boss.submit(&form, "/supervisor/inspections", &other);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "another room's session");
    assert!(field_error(&res.body, "live_session").is_some(), "{}", res.body);
    assert!(app.pool.get().map(|mut c| redress::store::inspections::newest(&mut c, 10).unwrap().is_empty()).unwrap());

    // Recorded, with a screenshot and a PDF; the session found by the time.
    let files: [(&str, &[u8]); 2] = [("直播截图.png", &png()), ("录屏说明.pdf", PDF)];
    let res = send_with_files(&boss, &form, "/supervisor/inspections", &fields(&room_text, &at, "violation"), &files);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let at = res.location.unwrap();
    assert!(at.ends_with("?done=recorded"), "{at}");
    let href = at.split('?').next().unwrap().to_owned();
    let html = boss.get(&at).html();
    assert_eq!(html.select_attr("[data-verdict]", "data-verdict").as_deref(), Some("violation"));
    assert_eq!(html.select_text(".inspection-found").as_deref(), Some(FOUND));
    assert_eq!(html.select_attr("[data-session]", "data-session"), Some(session.to_string()));
    let links = html.select_attrs("a.inspection-about", "href");
    assert_eq!(
        links,
        [
            format!("/supervisor/rooms/{room}"),
            format!("/supervisor/hosts/{host}"),
            format!("/supervisor/products/{product}")
        ]
    );
    let shown = boss.get(&href);
    let files = crate::evidence::links(&shown.body, &format!("{href}/evidence/"));
    assert_eq!(files.len(), 2, "the screenshot and the PDF: {files:?}");
    let thumb = shown.html().select_attr("img[src$='/thumb']", "src").expect("the screenshot's thumbnail");
    assert_eq!(thumb, format!("{}/thumb", files[0]));
    assert!(shown.body.contains("录屏说明.pdf"), "the PDF by its name");
    let get = |path: &str| {
        let res = boss.agent.get(boss.url(path)).call().unwrap();
        (res.status(), res.headers()["content-type"].to_str().unwrap().to_owned())
    };
    assert_eq!(get(&files[0]), (StatusCode::OK, "image/png".to_owned()));
    assert_eq!(get(&thumb), (StatusCode::OK, "image/jpeg".to_owned()));
    assert_eq!(get(&files[1]), (StatusCode::OK, "application/pdf".to_owned()));

    // On the list, on the room's page (which offers to record one), and
    // counted on the merchant's record.
    let list = boss.get("/supervisor/inspections").html();
    assert_eq!(list.select_attrs("a.inspection-link", "href"), std::slice::from_ref(&href));
    let room_page = boss.get(&format!("/supervisor/rooms/{room}")).html();
    assert_eq!(room_page.select_attrs("a.inspection-link", "href"), std::slice::from_ref(&href));
    assert_eq!(room_page.select_attr("a#record-inspection", "href"), Some(form.clone()));
    let record = boss.get(&format!("/supervisor/merchants/{merchant}")).html();
    assert_eq!(record.select_attr("[data-inspections]", "data-inspections").as_deref(), Some("1"));
    assert!(audit_kinds(&boss).contains(&"inspection_recorded".to_owned()));
    assert!(boss.get("/supervisor").html().select_attrs("nav a", "href").contains(&"/supervisor/inspections".into()));

    // Not found, not theirs, not forged.
    assert_eq!(boss.get(&format!("{FORM}?room=999999")).status, StatusCode::NOT_FOUND);
    let mut unknown = fields(&room_text, &at, "no_issue");
    unknown[0].1 = "999999";
    assert_eq!(boss.submit(FORM, "/supervisor/inspections", &unknown).status, StatusCode::NOT_FOUND);
    assert_eq!(boss.get("/supervisor/inspections/999999").status, StatusCode::NOT_FOUND);
    assert_eq!(boss.get(&format!("{href}/evidence/999999")).status, StatusCode::NOT_FOUND);
    let staff = app.merchant_staff(merchant);
    for path in ["/supervisor/inspections", &form, &href, &files[0]] {
        assert_ne!(staff.get(path).status, StatusCode::OK, "{path}");
    }
    let theirs = staff.submit("/merchant", "/supervisor/inspections", &fields(&room_text, &at, "no_issue"));
    assert_ne!(theirs.status, StatusCode::SEE_OTHER);
    let mut forged = vec![("csrf_token", "forged")];
    forged.extend(fields(&room_text, &at, "no_issue"));
    assert_eq!(boss.post("/supervisor/inspections", &forged).status, StatusCode::FORBIDDEN);
    assert_eq!(boss.get("/supervisor/inspections").html().select_all("[data-inspection]").len(), 1);
}

#[test]
fn an_inspection_opens_one_incident_by_hand_and_supervisors_are_told_once() {
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "深圳极光数码科技有限公司");
    for _ in 0..2 {
        s.via_session().file(&app);
    }
    assert!(stored(&app).is_empty(), "two complaints open nothing");
    let page = record(&boss, s.room, &during(&app), "violation");
    let open = [("act", "open_incident"), ("about", "session")];
    let res = boss.submit(&page, &page, &open);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location.unwrap().ends_with("?done=opened"));
    assert_eq!(stored(&app), [("session".to_owned(), s.session, 2)], "with the session's complaints of the window");
    let supervisors = {
        use redress::store::schema::users;
        let conn = &mut app.pool.get().unwrap();
        users::table.filter(users::role.eq("supervisor")).count().get_result::<i64>(conn).unwrap() as usize
    };
    let told = notices(&app, "supervisor_incident");
    assert_eq!(told.len(), supervisors, "each supervisor once: {told:?}");
    assert!(told[0].1.contains("深圳极光数码科技有限公司"), "{}", told[0].1);
    assert!(told[0].2.contains(&format!("巡查 #{}", id_of(&page))), "{}", told[0].2);

    // Again, and from a second inspection of the session: still one.
    let res = boss.submit(&page, &page, &open);
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location.unwrap().ends_with("?done=joined"));
    let second = record(&boss, s.room, &during(&app), "concern");
    let res = boss.submit(&second, &second, &[("act", "open_incident")]);
    assert!(res.location.unwrap().ends_with("?done=joined"));
    assert_eq!(stored(&app).len(), 1);
    assert_eq!(notices(&app, "supervisor_incident").len(), supervisors, "told once per incident");

    // Listed with the others; its page says where it came from.
    let list = boss.get("/supervisor/incidents").html();
    let href = list.select_attr("[data-subject=\"session\"] a.incident-link", "href").expect("listed");
    let incident = boss.get(&href).html();
    assert_eq!(incident.select_attr("[data-opened-from]", "data-opened-from"), Some(id_of(&page).to_string()));
    assert_eq!(incident.select_attrs("a.inspection-link", "href"), [page.clone(), second.clone()]);
    let shown = boss.get(&page).html();
    assert_eq!(shown.select_attr("a.inspection-incident", "href"), Some(href.clone()));
    assert!(shown.select_first("form#open-incident").is_none(), "nothing more to open");
    // A complaint about the session now joins it, as detection would.
    s.via_session().file(&app);
    assert_eq!(stored(&app), [("session".to_owned(), s.session, 3)]);

    // The room was not streaming two hours ago: an inspection then opens
    // no incident, and says why.
    let idle = record(&boss, s.room, &local(&app, app.clock.now() - Duration::hours(2)), "violation");
    assert!(boss.get(&idle).html().select_first("[data-no-incident]").is_some());
    let res = boss.submit(&idle, &idle, &[("act", "open_incident")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("无法开立事件"), "{}", res.body);
    assert_eq!(stored(&app).len(), 1);
    let res = boss.submit(&page, &page, &[("act", "open_incident"), ("about", "merchant")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(audit_kinds(&boss).contains(&"incident_opened".to_owned()));
    assert_eq!(boss.post(&page, &[("csrf_token", "x"), ("act", "open_incident")]).status, StatusCode::FORBIDDEN);
    assert_eq!(boss.submit(&page, "/supervisor/inspections/999999", &open).status, StatusCode::NOT_FOUND);
}

#[test]
fn two_inspections_of_a_session_opening_its_incident_at_once_make_one() {
    let app = spawn_app();
    let s = shop(&app, "四川蜀香源食品有限公司");
    let (one, two) = (app.supervisor(), app.supervisor());
    let pages = [record(&one, s.room, &during(&app), "violation"), record(&two, s.room, &during(&app), "violation")];
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let done: Vec<String> = std::thread::scope(|scope| {
        let running: Vec<_> = [&one, &two]
            .into_iter()
            .zip(&pages)
            .map(|(boss, page)| {
                let token = csrf(&boss.get(page).body);
                let start = start.clone();
                scope.spawn(move || {
                    start.wait();
                    let res = boss.post(page, &[("csrf_token", &token), ("act", "open_incident")]);
                    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
                    res.location.unwrap()
                })
            })
            .collect();
        running.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let mut said: Vec<&str> = done.iter().map(|l| l.rsplit('=').next().unwrap()).collect();
    said.sort();
    assert_eq!(said, ["joined", "opened"], "{done:?}");
    assert_eq!(stored(&app), [("session".to_owned(), s.session, 0)]);
    let linked: Vec<Option<i64>> = {
        use redress::store::schema::inspections;
        let conn = &mut app.pool.get().unwrap();
        inspections::table.select(inspections::incident_id).load(conn).unwrap()
    };
    assert_eq!(linked.len(), 2);
    assert!(linked[0].is_some() && linked[0] == linked[1], "both in the one incident: {linked:?}");
}

#[test]
fn an_inspection_about_the_host_opens_the_hosts_incident() {
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "广州美颜堂化妆品有限公司");
    let page = record(&boss, s.room, &during(&app), "violation");
    let res = boss.submit(&page, &page, &[("act", "open_incident"), ("about", "host")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(stored(&app), [("host".to_owned(), s.host, 0)]);
    let html = boss.get("/supervisor/incidents").html();
    assert_eq!(html.select_attrs("[data-incident]", "data-subject"), ["host"]);
}

#[test]
fn a_measure_from_an_inspection_limits_the_room_and_the_merchant_is_told() {
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    let page = record(&boss, s.room, &during(&app), "violation");
    let id = id_of(&page);
    let html = boss.get(&page).html();
    assert_eq!(html.select_attrs("form#measure-room button[name=measure]", "value"), ["limit", "cut"]);
    assert_eq!(html.select_attrs("form#measure-host button[name=measure]", "value"), ["ban"]);

    let why = "直播中宣称腊肠能降血压，并引导加微信私下交易。";
    let res = boss.submit(&page, &page, &[("act", "measure_room"), ("measure", "limit"), ("reason", " ")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    assert!(res.body.contains("请写明处置理由"), "{}", res.body);
    let res = boss.submit(&page, &page, &[("act", "measure_room"), ("measure", "restore"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "not a measure an inspection takes");
    assert_eq!(textarea_value(&res.body, "reason").as_deref(), Some(why), "kept");
    let res = boss.submit(&page, &page, &[("act", "measure_room"), ("measure", "limit"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location.unwrap().ends_with("?done=measure"));

    // The room is limited, as from its own page; the measure is listed on
    // the inspection, its reason naming it.
    let room_page = boss.get(&format!("/supervisor/rooms/{}", s.room));
    assert!(room_page.body.contains("data-room-status=\"limited\""));
    let named = format!("巡查 #{id}：{why}");
    assert!(room_page.body.contains(&named), "{}", room_page.body);
    let html = boss.get(&page).html();
    assert_eq!(html.select_texts("[data-action] .timeline__body"), std::slice::from_ref(&named));
    assert_eq!(html.select_attr("[data-room-status]", "data-room-status").as_deref(), Some("limited"));
    assert_eq!(html.select_attrs("form#measure-room button[name=measure]", "value"), ["cut"]);
    // Twice is a conflict, the reason kept.
    let res = boss.submit(&page, &page, &[("act", "measure_room"), ("measure", "limit"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(textarea_value(&res.body, "reason").as_deref(), Some(why));

    // The merchant is told, sees it on its record and may appeal it.
    let told = notices(&app, "merchant_action");
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].2.contains(&named), "{}", told[0].2);
    let staff = app.merchant_staff(s.merchant);
    let actions = staff.get("/merchant/actions").html();
    assert_eq!(actions.select_texts("[data-action-on]").len(), 1);
    assert!(actions.select_first("form[action$='/appeal']").is_some(), "appealable");
    let log = boss.get("/supervisor/audit").html();
    let details = log.select_texts("li[data-audit-kind=\"measure_taken\"] [data-detail]");
    assert!(details.iter().any(|d| d.contains(&format!("inspection {id}"))), "{details:?}");

    // The host, banned from the same inspection.
    let res = boss.submit(&page, &page, &[("act", "measure_host"), ("measure", "ban"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(boss.get(&format!("/supervisor/hosts/{}", s.host)).body.contains("data-host-status=\"banned\""));
    assert_eq!(boss.get(&page).html().select_all("[data-action]").len(), 2);

    // An inspection while nothing streamed offers no host to ban.
    let idle = record(&boss, s.room, &local(&app, app.clock.now() - Duration::hours(2)), "concern");
    assert!(boss.get(&idle).html().select_first("form#measure-host").is_none());
    let res = boss.submit(&idle, &idle, &[("act", "measure_host"), ("measure", "ban"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_ne!(
        staff.post(&page, &[("act", "measure_room"), ("measure", "cut"), ("reason", why)]).status,
        StatusCode::SEE_OTHER
    );
}

#[test]
fn the_demo_has_an_inspection_that_limited_a_room() {
    let app = spawn_app();
    let mut conn = app.pool.get().unwrap();
    redress::service::demo::seed(&mut conn, &app.config, app.clock.now()).unwrap();
    drop(conn);
    let boss = app.supervisor();
    let list = boss.get("/supervisor/inspections").html();
    assert_eq!(list.select_attrs("[data-inspection]", "data-verdict"), ["violation", "no_issue"]);
    let href = list.select_attr("[data-verdict=\"violation\"] a.inspection-link", "href").unwrap();
    let page = boss.get(&href).html();
    assert_eq!(page.select_attr("[data-room-status]", "data-room-status").as_deref(), Some("limited"));
    assert_eq!(page.select_all("[data-action]").len(), 1);
    let quiet = list.select_attr("[data-verdict=\"no_issue\"] a.inspection-link", "href").unwrap();
    assert!(boss.get(&quiet).html().select_attr("[data-session]", "data-session").is_some_and(|s| !s.is_empty()));
}

//! What supervisors see of user reports: high-risk ones first at
//! /supervisor/reports and in the queue, counted into incidents with the
//! complaints about the same session and host (and listed on the
//! incident's and the room's pages), decided with a note on the audit log;
//! the demo's; and the plans of their queries.

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::store::schema::{incident_reports, incidents, outbox};
use ureq::http::StatusCode;

use super::{HEALTH, IN_SESSION, ORDINARY, fields, report, report_page, supervisors, with};
use crate::helpers::*;
use crate::incidents::shop;
use crate::plans::{captured, plan};

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
    assert_eq!(
        seeded.complaints.len(),
        20,
        "the demo complaints as before, and the five filed with consent to publish"
    );
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
        // The session on at the time seen: a range of the room's sessions.
        "live_sessions_room (room_id=? AND started_at>? AND started_at<?)",
    ] {
        assert!(used.contains(index), "{index} is used:\n{used}");
    }
}

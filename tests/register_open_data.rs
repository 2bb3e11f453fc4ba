//! The public register's open data through the real server (issue 24):
//! the files hold the published cases only (and lose one withdrawn or
//! hidden at their next build), the CSV has its BOM and never hands a
//! spreadsheet a formula, the answers carry a strong ETag that
//! `If-None-Match` turns into 304, nothing is served before the first
//! build, and each merchant's 12315 figures are what the complaints say.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::relief::{Relief, ReliefKind, ReliefSource};
use redress::store::reliefs::{self, NewRelief};
use ureq::http::StatusCode;

use crate::export_injection::parse_csv;
use crate::helpers::*;
use crate::register_pages::five;

fn json(app: &TestApp, path: &str) -> serde_json::Value {
    let res = app.get(path);
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    assert_eq!(res.headers.get("content-type").unwrap(), "application/json");
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", res.body))
}

fn references(cases: &serde_json::Value) -> Vec<String> {
    cases["cases"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn before_the_first_build_the_files_say_to_come_back() {
    let app = spawn_app();
    for path in ["/cases.csv", "/cases.json", "/cases/merchants.json"] {
        let res = app.get(&format!("{path}?lang=en"));
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(res.headers.get("retry-after").unwrap(), "60");
        assert!(res.body.contains("being built. Please try again in a minute"), "{}", res.body);
    }
    app.build_open_data();
    assert_eq!(app.get("/cases.csv").status, StatusCode::OK);
}

#[test]
fn the_files_hold_only_published_cases_scrubbed_and_defused() {
    let app = spawn_app();
    let f = five(&app);
    let built = app.build_open_data();
    assert_eq!(built.cases, 1);
    let csv = app.get("/cases.csv");
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers.get("content-type").unwrap(), "text/csv; charset=utf-8");
    assert!(csv.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment; filename="));
    assert!(csv.body.starts_with('\u{feff}'), "a BOM for the spreadsheets");
    let rows = parse_csv(csv.body.trim_start_matches('\u{feff}'));
    assert_eq!(rows.len(), 2, "{rows:?}");
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"));
    let row = &rows[1];
    assert_eq!(row[column("reference")], f.refs[0]);
    assert_eq!(row[column("merchant")], "杭州星河优选电子商务有限公司");
    assert_eq!(row[column("category")], "false_advertising");
    assert_eq!(row[column("consent")], "consent_provided");
    assert_eq!(row[column("merchant_public_response")], "settled");
    assert_eq!(row[column("response_timely")], "yes");
    assert_eq!(row[column("date_received")], "2026-11-20");
    assert_eq!(row[column("date_sent_to_merchant")], "2026-11-20");
    let narrative = &row[column("narrative")];
    assert!(narrative.starts_with("'=主播说羽绒服"), "a formula is shown as text: {narrative}");
    for cell in row {
        assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
    }
    for secret in ["王芳", "13800138000", "DY4829301756"] {
        assert!(!csv.body.contains(secret), "{secret} in the CSV");
    }
    let cases = json(&app, "/cases.json");
    assert_eq!(references(&cases), [f.refs[0].as_str()]);
    assert_eq!(cases["count"], 1);
    assert_eq!(cases["cases"][0]["narrative"].as_str().unwrap(), narrative.trim_start_matches('\''));
    let merchants = app.get("/cases/merchants.json").body;
    for r in &f.refs {
        for body in [&csv.body, &merchants] {
            assert_eq!(body.contains(r.as_str()), r == &f.refs[0] && body == &csv.body, "{r}");
        }
    }

    // Fifteen days on, the unanswered one is due; one withdrawn since and
    // one hidden leave the files at their next build.
    app.clock.advance(Duration::days(15));
    app.build_open_data();
    assert_eq!(references(&json(&app, "/cases.json")), [f.refs[1].as_str(), f.refs[0].as_str()]);
    app.consent(&f.filed[0], false);
    app.hide_case(&f.filed[1]);
    assert_eq!(references(&json(&app, "/cases.json")).len(), 2, "the files as last built");
    app.build_open_data();
    assert!(references(&json(&app, "/cases.json")).is_empty());
    let rows = parse_csv(app.get("/cases.csv").body.trim_start_matches('\u{feff}'));
    assert_eq!(rows.len(), 1, "the header only: {rows:?}");
}

#[test]
fn a_file_unchanged_since_it_was_fetched_is_answered_304() {
    let app = spawn_app();
    app.build_open_data();
    for path in ["/cases.csv", "/cases.json", "/cases/merchants.json"] {
        let first = app.get(path);
        let tag = first.headers.get("etag").expect("an ETag").to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && !tag.starts_with("W/"), "strong: {tag}");
        assert!(first.headers.get("cache-control").unwrap().to_str().unwrap().contains("max-age"));
        let again: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let res = again.get(app.url(path)).header("If-None-Match", &tag).call().unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(res.headers().get("etag").unwrap().to_str().unwrap(), tag);
        let res = again.get(app.url(path)).header("If-None-Match", "\"something-else\"").call().unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let mut head = again.head(app.url(path)).call().unwrap();
        assert_eq!(head.status(), StatusCode::OK, "{path}");
        assert_eq!(head.headers().get("etag").unwrap().to_str().unwrap(), tag);
        assert_eq!(head.body_mut().read_to_string().unwrap(), "", "no body for HEAD");
    }
    let tag = app.get("/cases.json").headers.get("etag").unwrap().to_str().unwrap().to_owned();
    app.clock.advance(Duration::minutes(15));
    app.build_open_data();
    let rebuilt = app.get("/cases.json");
    assert_ne!(rebuilt.headers.get("etag").unwrap().to_str().unwrap(), tag, "a new build, a new tag");
}

#[test]
fn each_merchant_s_figures_are_what_its_complaints_say() {
    let app = spawn_app();
    let x = app.merchant("杭州星河优选电子商务有限公司");
    let y = app.merchant("成都蜀香源食品有限公司");
    // Two in the period before: 50 days before the build.
    ComplaintBuilder::new(x).file(&app);
    ComplaintBuilder::new(x).file(&app);
    app.clock.advance(Duration::days(30));
    // Three in the period: one resolved, one past its resolution deadline
    // and compensated first by the platform, one still running.
    let resolved = ComplaintBuilder::new(x).file(&app);
    let late = ComplaintBuilder::new(x).file(&app);
    let staff = app.merchant_staff(x);
    let page = format!("/merchant/complaints/{}", resolved.reference(&app));
    let fields = [("resolution", "refund"), ("amount", "100.00"), ("body", "全额退款，请查收。")];
    let res = staff.submit(&page, &format!("{page}/propose"), &fields);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.submit(resolved.path(), &format!("{}/accept", resolved.path()), &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock.advance(Duration::days(19));
    ComplaintBuilder::new(x).file(&app);
    {
        let id = app.complaint_id(&late);
        let relief = Relief { kind: ReliefKind::Monetary, amount_fen: Some(29_900), compensation_fen: Some(29_900) };
        let new = NewRelief {
            complaint_id: id,
            merchant_id: x,
            relief,
            source: ReliefSource::Ruling,
            recorded_by: None,
            ask_at: None,
        };
        reliefs::insert(&mut app.pool.get().unwrap(), new, app.clock.now()).unwrap();
    }
    app.clock.advance(Duration::days(1));
    app.build_open_data();
    let figures = json(&app, "/cases/merchants.json");
    assert_eq!(figures["period_days"], 30);
    let of = |id: i64| {
        figures["merchants"].as_array().unwrap().iter().find(|m| m["merchant_id"] == id).cloned().expect("listed")
    };
    let mx = of(x);
    assert_eq!(mx["merchant"], "杭州星河优选电子商务有限公司");
    assert_eq!(mx["complaints"], 3);
    assert_eq!(mx["previous_complaints"], 2);
    assert_eq!(mx["growth_percent"], 50.0);
    assert_eq!(mx["resolution_decided"], 2, "resolved, and past its deadline");
    assert_eq!(mx["resolved"], 1);
    assert_eq!(mx["resolution_rate"], 0.5);
    assert_eq!(mx["compensated"], 1);
    assert_eq!(mx["advance_compensation_rate"], 0.3333);
    let my = of(y);
    assert_eq!((my["complaints"].as_i64(), my["previous_complaints"].as_i64()), (Some(0), Some(0)));
    assert!(
        my["growth_percent"].is_null() && my["resolution_rate"].is_null() && my["advance_compensation_rate"].is_null()
    );
}

//! What operators read: `/metrics`, `/healthz`, request ids in responses
//! and in the structured log.

use chrono::Duration;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::process::*;

#[test]
fn metrics_count_requests_by_route_and_report_what_the_database_holds() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    ComplaintBuilder::new(m).file(&app);
    assert_eq!(app.get("/t/NoSuchTokenAtAll0000000").status, StatusCode::NOT_FOUND);
    app.clock.advance(Duration::hours(49));
    app.sweep();

    let res = app.get("/metrics");
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers.get("content-type").unwrap(), "text/plain; version=0.0.4; charset=utf-8");
    let text = res.body;
    for line in [
        r#"redress_http_requests_total{method="POST",route="/complaints",status="303"} 2"#,
        r#"redress_http_requests_total{method="GET",route="/t/{token}",status="404"} 1"#,
        r#"redress_http_request_duration_seconds_bucket{method="POST",route="/complaints",status="303",le="+Inf"} 2"#,
        r#"redress_http_request_duration_seconds_count{method="POST",route="/complaints",status="303"} 2"#,
        r#"redress_complaints{state="escalated"} 2"#,
        r#"redress_deadline_breaches{deadline="response"} 2"#,
        r#"redress_deadline_breaches{deadline="resolution"} 0"#,
        r#"redress_outbox{state="dead"} 0"#,
        "# TYPE redress_http_request_duration_seconds histogram",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    assert!(!text.contains("NoSuchToken"), "paths are never labels: tokens stay out");
    // Receipts and breach notices wait for the dispatcher.
    let queued: i64 = between(&text, "redress_outbox{state=\"queued\"} ", "\n").unwrap().parse().unwrap();
    assert!(queued >= 4, "{queued}");
}

#[test]
fn healthz_reports_the_mail_backlog() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).email("wang@example.com").file(&app);
    app.clock.advance(Duration::seconds(90));
    let health = app.get("/healthz");
    assert_eq!(health.status, StatusCode::OK);
    assert!(health.body.contains(r#""status":"ok""#), "{}", health.body);
    assert!(health.body.contains(r#""oldest_queued_seconds":90"#), "{}", health.body);
    assert!(!health.body.contains(r#""queued":0"#), "{}", health.body);
    app.dispatch();
    let health = app.get("/healthz");
    assert!(health.body.contains(r#""queued":0"#), "{}", health.body);
    assert!(health.body.contains(r#""oldest_queued_seconds":0"#), "{}", health.body);
}

#[test]
fn every_response_carries_a_request_id_and_keeps_the_proxys() {
    let app = spawn_app();
    let id = |res: &Page| res.headers.get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
    let (one, two) = (id(&app.get("/complaints/new")).unwrap(), id(&app.get("/complaints/new")).unwrap());
    assert_eq!(one.len(), 16);
    assert_ne!(one, two, "a new id each request");
    let given = |value: &str| {
        let res = page(app.agent.get(app.url("/complaints/new")).header("X-Request-Id", value).call().unwrap());
        id(&res).unwrap()
    };
    assert_eq!(given("0f8fad5bd9cb469fa16570867728950e"), "0f8fad5bd9cb469fa16570867728950e", "nginx's $request_id");
    let made_up = given("<script>alert(1)</script>");
    assert_eq!(made_up.len(), 16, "an unsafe id is replaced, not echoed: {made_up}");
}

#[test]
fn the_log_is_json_lines_each_carrying_its_request_id() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("stderr.log");
    let mut cmd = redress(&db, data.path());
    cmd.env("REDRESS_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("REDRESS_SWEEP_INTERVAL", "0")
        .stderr(std::fs::File::create(&log).unwrap());
    let server = start(cmd, &[]);
    let res = page(
        browser()
            .get(format!("{}/t/NoSuchTokenAtAll0000000", server.base))
            .header("X-Request-Id", "trace-4711")
            .call()
            .unwrap(),
    );
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    server.terminate();
    let mut server = server;
    assert!(server.exited_within(std::time::Duration::from_secs(30)).success());

    let lines = std::fs::read_to_string(&log).unwrap();
    let mine: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .filter(|v: &serde_json::Value| v["span"]["id"] == "trace-4711")
        .collect();
    let request = mine.iter().find(|v| v["fields"]["message"] == "request").expect("the request's line");
    assert_eq!(request["fields"]["status"], 404);
    assert_eq!(request["fields"]["path"], "/t/[token]", "the token never reaches the log");
    assert!(!lines.contains("NoSuchToken"));
    assert!(lines.contains(r#""message":"stopped""#), "says it stopped after draining");
}

/// SQLite's log is copied back into the database file by the server's
/// checkpointer within seconds, not left to the commit that takes it past
/// the backstop (40,000 pages, which a small site might never reach): the
/// database file alone, without its log, holds what was stored.
#[test]
fn the_checkpointer_copies_the_log_into_the_database_file() {
    let db = TestDb::new();
    let TestDb::Sqlite { url, .. } = &db else {
        return; // PostgreSQL has its own checkpointer.
    };
    let file = std::path::PathBuf::from(url.trim_start_matches("sqlite://"));
    let data = tempfile::tempdir().unwrap();
    let _server = serve(&db, data.path());
    let copy = data.path().join("file-alone.db");
    eventually("the demo merchants reach the database file", || {
        // The main file as it is on disk, opened without the log beside it.
        std::fs::copy(&file, &copy).unwrap();
        let _ = std::fs::remove_file(copy.with_extension("db-wal"));
        let Ok(mut alone) = redress::store::connect_one(&format!("sqlite://{}", copy.display())) else {
            return false;
        };
        let count = diesel::dsl::sql::<diesel::sql_types::BigInt>("COUNT(*) FROM merchants");
        diesel::RunQueryDsl::get_result::<i64>(diesel::select(count), &mut alone).is_ok_and(|n| n == 5)
    });
}

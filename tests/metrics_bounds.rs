//! What a client sends cannot grow `/metrics` or the log: 200 requests
//! with long random methods and 200 with random unmatched paths leave a
//! small page with few series, and short log lines (the real binary, to
//! read its log).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use rand::Rng;
use rand::distr::Alphanumeric;

use crate::helpers::TestDb;
use crate::process::{eventually, redress, start};
use crate::raw;

fn random(len: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

#[test]
fn custom_methods_and_random_paths_leave_metrics_and_the_log_small() {
    let (db, data) = (TestDb::new(), tempfile::tempdir().unwrap());
    let mut cmd = redress(&db, data.path());
    cmd.env("RUST_LOG", "info").stderr(Stdio::piped());
    let mut server = start(cmd, &[]);
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let stderr = server.child.stderr.take().unwrap();
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            kept.lock().unwrap().push(line);
        }
    });
    let base = server.base.clone();
    let before = raw::send(&base, "GET", "/metrics", "").body.len();
    let methods: Vec<String> = (0..200).map(|_| random(20_000).to_uppercase()).collect();
    for method in &methods {
        let answer = raw::send(&base, method, "/healthz", "");
        assert!(answer.status >= 400, "a made-up method is refused: {}", answer.status);
    }
    let paths: Vec<String> = (0..200).map(|_| format!("/{}", random(5_000))).collect();
    for path in &paths {
        assert_eq!(raw::send(&base, "GET", path, "").status, 404);
    }
    let metrics = raw::send(&base, "GET", "/metrics", "");
    assert_eq!(metrics.status, 200);
    let series = metrics.body.lines().filter(|l| l.starts_with("redress_http_requests_total{")).count();
    assert!(series <= 5, "one series per known method, route and status, not one per request: {series}");
    assert!(metrics.body.len() < before + 20_000, "the page stays small: {} bytes", metrics.body.len());
    assert!(metrics.body.contains("method=\"other\""), "made-up methods are counted as other");
    assert!(metrics.body.contains("route=\"unmatched\""), "unmatched paths are counted as one route");
    assert!(!metrics.body.contains(&methods[0]) && !metrics.body.contains(&paths[0][1..]));

    // The log names each request, but only the start of what was sent.
    eventually("logged the last request", || log.lock().unwrap().iter().any(|l| l.contains(&paths[199][..100])));
    let lines = log.lock().unwrap().clone();
    let logged: Vec<&String> = lines.iter().filter(|l| l.contains("request")).collect();
    assert!(logged.len() >= 400, "every request is logged: {}", logged.len());
    let longest = logged.iter().map(|l| l.len()).max().unwrap();
    assert!(longest < 800, "log lines are bounded: {longest} characters");
    eprintln!("/metrics: {} bytes, {series} request series; longest log line {longest} characters", metrics.body.len());
    server.terminate();
}

//! Nothing acknowledged is lost: a server killed with SIGKILL under load
//! keeps every complaint it answered 303 for, and SIGTERM lets the
//! requests under way finish before the server exits. On SQLite, or on
//! PostgreSQL when `TEST_DATABASE_URL` is set.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redress::error::encode_component;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::process::*;

#[test]
fn kill_9_under_concurrent_load_loses_no_acknowledged_complaint() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let server = serve(&db, data.path());
    let merchant = first_merchant(&page(browser().get(format!("{}/complaints/new", server.base)).call().unwrap()).body);

    // 16 consumers filing one complaint after another, each remembering
    // what the server acknowledged.
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let consumers: Vec<_> = (0..16)
        .map(|n| {
            let (base, merchant) = (server.base.clone(), merchant.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent = browser();
                let Ok(form) = agent.get(format!("{base}/complaints/new")).call() else { return };
                let token = csrf(&page(form).body);
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let order = format!("DY{n:02}{i:08}");
                    let complaint = ComplaintBuilder::new(&merchant).order_ref(&order);
                    let mut fields = vec![("csrf_token", token.as_str())];
                    fields.extend(complaint.fields());
                    // A refused connection or a reset mid-answer: not
                    // acknowledged, so not promised.
                    let Ok(res) = agent.post(format!("{base}/complaints")).send_form(fields) else { return };
                    let res = page(res);
                    if res.status == StatusCode::SEE_OTHER {
                        acknowledged.lock().unwrap().push((res.location.unwrap(), order));
                    }
                }
            })
        })
        .collect();
    eventually("acknowledged 200 complaints", || acknowledged.lock().unwrap().len() >= 200);
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL, with requests under way.
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for consumer in consumers {
        consumer.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let again = serve(&db, data.path());
    let agent = browser();
    for (tracking, order) in &acknowledged {
        let res = page(agent.get(format!("{}{tracking}", again.base)).call().unwrap());
        assert_eq!(res.status, StatusCode::OK, "{tracking} was acknowledged before the kill and must be there");
        assert!(res.body.contains(order.as_str()), "{tracking} shows its order {order}");
    }
    assert!(acknowledged.len() >= 200);
}

/// A raw HTTP/1.1 exchange, for a request sent in two parts.
fn read_response(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if n == 0 || text.contains("\r\n\r\n") && text.to_ascii_lowercase().contains("content-length: 0") {
            return text.into_owned();
        }
    }
}

#[test]
fn sigterm_lets_the_request_under_way_finish_then_exits() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let mut server = serve(&db, data.path());
    let addr = server.base.trim_start_matches("http://").to_owned();

    // The form, read as a browser would: its CSRF cookie and token.
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream.write_all(b"GET /complaints/new HTTP/1.1\r\nHost: redress\r\nConnection: close\r\n\r\n").unwrap();
    let mut form = String::new();
    stream.read_to_string(&mut form).unwrap();
    let cookie = between(&form, "redress_csrf=", ";").expect("a CSRF cookie").to_owned();
    let token = csrf(&form);
    let merchant = first_merchant(&form);
    let complaint = ComplaintBuilder::new(&merchant);
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(complaint.fields());
    let body: String = fields.iter().map(|(k, v)| format!("{k}={}", encode_component(v))).collect::<Vec<_>>().join("&");

    // Half the complaint is on its way when the server is told to stop.
    let mut post = TcpStream::connect(&addr).unwrap();
    post.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST /complaints HTTP/1.1\r\nHost: redress\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nCookie: redress_csrf={cookie}\r\n\r\n",
        body.len()
    );
    post.write_all(head.as_bytes()).unwrap();
    post.write_all(&body.as_bytes()[..40]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.terminate();
    eventually_within(Duration::from_secs(10), "stopped accepting connections", || TcpStream::connect(&addr).is_err());
    assert!(server.child.try_wait().unwrap().is_none(), "still running: a request is under way");

    post.write_all(&body.as_bytes()[40..]).unwrap();
    let answer = read_response(&mut post);
    assert!(answer.starts_with("HTTP/1.1 303"), "the complaint under way was filed: {answer}");
    let location = answer
        .lines()
        .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
        .expect("a Location")
        .trim()
        .to_owned();
    let status = server.exited_within(Duration::from_secs(30));
    assert!(status.success(), "a clean exit after draining: {status}");

    let again = serve(&db, data.path());
    let res = page(browser().get(format!("{}{location}", again.base)).call().unwrap());
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("DY4829301756"));
}

/// SIGTERM with a long mail backlog: the dispatcher stops after the round
/// under way instead of sending everything first; what is left stays
/// queued, and the next start sends it, each notice once.
#[test]
fn sigterm_leaves_the_mail_backlog_queued_for_the_next_start() {
    use diesel::dsl::count_star;
    use diesel::prelude::*;
    use redress::store::schema::outbox;

    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let config = test_config(&db, data.path());
    let mut conn = redress::startup::prepare(&config).unwrap().get().unwrap();
    seed_complaints(&mut conn, &config, 4, 25, chrono::Utc::now());
    let count = |conn: &mut redress::store::DbConnection, state: &str| -> i64 {
        // Mail only: the text messages beside them go to files (tests/sms.rs).
        let mail = outbox::table.filter(outbox::channel.eq("mail"));
        mail.filter(outbox::state.eq(state)).select(count_star()).get_result(conn).unwrap()
    };
    let total = count(&mut conn, "queued");
    assert_eq!(total, 200, "a receipt and a merchant's alert per complaint");

    // 100 ms a message: 20 s to send them all, 2 s a round of 20.
    let smtp = crate::smtp::SmtpServer::start_slow(Duration::from_millis(100));
    let url = crate::smtp::SmtpServer::url(smtp.port);
    let env = [("SMTP_URL", url.as_str()), ("REDRESS_SWEEP_INTERVAL", "0")];
    let mut server = serve_with(&db, data.path(), &[], &env);
    eventually("sent its first notice", || !smtp.received().is_empty());
    server.terminate();
    assert!(server.exited_within(Duration::from_secs(8)).success(), "one round, not the whole backlog");
    let sent = count(&mut conn, "sent");
    assert_eq!(smtp.received().len() as i64, sent, "what arrived is what is marked sent");
    assert_eq!(count(&mut conn, "sending"), 0, "no notice left claimed");
    assert!(count(&mut conn, "queued") > 0, "the rest still queued: {sent} of {total} sent");

    // The next start, on a quick mail server, sends the rest.
    let quick = crate::smtp::SmtpServer::start();
    let url = crate::smtp::SmtpServer::url(quick.port);
    let _again = serve_with(&db, data.path(), &[], &[("SMTP_URL", url.as_str()), ("REDRESS_SWEEP_INTERVAL", "0")]);
    eventually_within(Duration::from_secs(60), "sent the rest", || count(&mut conn, "sent") == total);
    assert_eq!((smtp.received().len() + quick.received().len()) as i64, total, "each notice once");
}

/// A request that never completes holds the exit no longer than
/// `REDRESS_SHUTDOWN_TIMEOUT`.
#[test]
fn a_request_that_never_finishes_does_not_hold_the_exit_past_the_shutdown_timeout() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let uploads = data.path().join("shared").join("uploads");
    let env = [("REDRESS_SHUTDOWN_TIMEOUT", "1"), ("REDRESS_UPLOAD_DIR", uploads.to_str().unwrap())];
    let mut server = serve_with(&db, data.path(), &[], &env);
    assert!(uploads.is_dir(), "the upload directory is made at start");
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stalled = TcpStream::connect(&addr).unwrap();
    stalled.write_all(b"POST /complaints HTTP/1.1\r\nHost: redress\r\nContent-Length: 1000\r\n\r\nmerchant=").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let asked = std::time::Instant::now();
    server.terminate();
    server.exited_within(Duration::from_secs(10));
    let took = asked.elapsed();
    assert!(took >= Duration::from_millis(900), "it waited for the request first: {took:?}");
    assert!(took < Duration::from_secs(5), "then gave up after about 1 s: {took:?}");
}

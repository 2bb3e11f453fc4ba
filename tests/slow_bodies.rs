//! A body that does not arrive in time is answered 408 and its connection
//! closed: 2,000 clients trickling bodies neither run the server out of
//! file handles nor keep it from answering everyone else. A real
//! wall-clock timeout (`REDRESS_BODY_TIMEOUT`), set to 1 s here.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::helpers::*;

const SLOW: usize = 2_000;

/// Room for both ends of every slow connection in this process (the
/// server runs in it too), by raising the soft limit on open files.
fn enough_file_handles(needed: u64) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: get/setrlimit read and write the one struct passed.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) }, 0);
    if limit.rlim_cur < needed {
        let raised = libc::rlimit { rlim_cur: needed.min(limit.rlim_max), rlim_max: limit.rlim_max };
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) }, 0);
    }
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) }, 0);
    assert!(limit.rlim_cur >= needed, "ulimit -n is {}; this test needs {needed}", limit.rlim_cur);
}

/// Headers, then the first bytes of a form that says it is 1,000 bytes long.
fn start_slow(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST /logout HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 1000\r\n\r\ncsrf_token="
    );
    s.write_all(head.as_bytes()).unwrap();
    s
}

/// A normal request answers, however long it takes (liveness, not speed).
fn answers(app: &TestApp) -> Duration {
    let started = Instant::now();
    let page = app.client().get("/healthz");
    assert_eq!(page.status, 200);
    started.elapsed()
}

#[test]
fn trickled_bodies_are_cut_off_with_408_and_others_are_still_answered() {
    enough_file_handles(3 * SLOW as u64 + 1_000);
    let app = spawn_app_with(|c| c.body_timeout = Duration::from_secs(1));
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow: Vec<TcpStream> = (0..SLOW).map(|_| start_slow(&addr)).collect();
    for s in &slow {
        s.set_nonblocking(true).unwrap();
    }
    // Trickle: a byte on every connection every 100 ms, for 3 s — past the
    // deadline, which counts from the headers however steady the bytes.
    let started = Instant::now();
    let mut answered_meanwhile = Vec::new();
    while started.elapsed() < Duration::from_secs(3) {
        for s in &mut slow {
            let _ = s.write(b"a");
        }
        answered_meanwhile.push(answers(&app));
        std::thread::sleep(Duration::from_millis(100));
    }
    let worst = answered_meanwhile.iter().max().unwrap();
    assert!(*worst < Duration::from_secs(10), "normal requests answered meanwhile, the slowest in {worst:?}");

    // Every slow client was told 408 and its connection closed.
    let mut timed_out = 0;
    for mut s in slow {
        s.set_nonblocking(false).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut answer = Vec::new();
        match s.read_to_end(&mut answer) {
            Ok(_) => {}
            // Closed with our bytes unread: a reset may follow the answer.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("the connection was left open: {e}"),
        }
        if String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408") {
            timed_out += 1;
        }
    }
    assert!(timed_out >= SLOW * 9 / 10, "{timed_out} of {SLOW} slow clients were answered 408");
    eprintln!("{timed_out} of {SLOW} trickling clients answered 408; normal requests meanwhile at worst {worst:?}");
    assert!(answers(&app) < Duration::from_secs(10));
}

#[test]
fn a_body_cut_off_is_a_408_page_in_the_users_language() {
    let app = spawn_app_with(|c| c.body_timeout = Duration::from_secs(1));
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut s = TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /logout?lang=en HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 100\r\n\r\ncsrf"
    );
    s.write_all(head.as_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut answer = Vec::new();
    let started = Instant::now();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(5), "cut off after about 1 s: {:?}", started.elapsed());
    assert!(text.to_ascii_lowercase().contains("connection: close"), "{text}");
    assert!(text.contains("did not arrive in time"), "a page in the user's language: {text}");
    // A body sent in time is read as ever (the form's token is wrong: 403).
    let page = app.post("/logout", &[("csrf_token", "x")]);
    assert_eq!(page.status, 403);
}

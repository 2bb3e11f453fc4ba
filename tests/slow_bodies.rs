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

/// A body that arrives at `rate` bytes a second, in 4 KiB pieces.
struct Paced {
    body: Vec<u8>,
    sent: usize,
    rate: usize,
    started: Option<Instant>,
}

impl Read for Paced {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let started = *self.started.get_or_insert_with(Instant::now);
        let due = Duration::from_secs_f64(self.sent as f64 / self.rate as f64);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        let n = buf.len().min(4096).min(self.body.len() - self.sent);
        buf[..n].copy_from_slice(&self.body[self.sent..self.sent + n]);
        self.sent += n;
        Ok(n)
    }
}

/// An image of noise that does not compress: about `side`² × 3 bytes.
fn noise_png(side: u32) -> Vec<u8> {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn a_slow_but_steady_upload_arrives_and_one_below_the_minimum_rate_is_cut_off() {
    // A base timeout of 1 s, and 32 KiB/s for each byte sent.
    let app = spawn_app_with(|c| {
        c.body_timeout = Duration::from_secs(1);
        c.body_min_rate = 32 * 1024;
    });
    let merchant = MerchantBuilder::new("慢网店").build(&app).to_string();
    let client = app.client();
    let token = csrf(&client.get("/complaints/new").body);
    let mut fields = vec![("csrf_token", token.as_str())];
    let complaint = ComplaintBuilder::new(&merchant);
    fields.extend(complaint.fields());
    let boundary = "----redress-slow-upload";
    let mut body = Vec::new();
    for (name, value) in &fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    let photo = noise_png(320);
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"photo.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(&photo);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    assert!(body.len() > 300_000, "{} bytes", body.len());

    // 100 KB/s, three times the minimum rate: about 3 s, three times the base.
    let started = Instant::now();
    let len = body.len();
    let paced = Paced { body, sent: 0, rate: 100_000, started: None };
    let res = client
        .agent
        .post(client.url("/complaints"))
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .header("Content-Length", len.to_string())
        .send(ureq::SendBody::from_owned_reader(paced))
        .unwrap();
    let took = started.elapsed();
    let res = page(res);
    assert!(took > Duration::from_millis(2_500), "the upload took {took:?}, longer than the base timeout");
    assert_eq!(res.status, 303, "a steady upload is accepted: {}", res.body);
    let tracking = client.get(res.location.as_deref().unwrap());
    assert!(tracking.body.contains("photo.png"), "{}", tracking.body);
    eprintln!("{len} bytes at 100 KB/s accepted after {took:?} (base timeout 1 s)");

    // 2 KB/s, under the minimum: 408 soon after the base timeout, though
    // the 60,000 bytes it declares would earn it almost 2 s more.
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut s = TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /logout HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 60000\r\n\r\ncsrf_token="
    );
    s.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut answer = Vec::new();
    let cut = loop {
        let _ = s.write(&[b'a'; 100]);
        let mut buf = [0u8; 4096];
        match s.read(&mut buf) {
            Ok(0) => break started.elapsed(),
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break started.elapsed(),
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the slow body was never cut off");
    };
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(cut < Duration::from_secs(3), "cut off after about 1 s: {cut:?}");
    eprintln!("a body at 2 KB/s cut off with 408 after {cut:?}");
}

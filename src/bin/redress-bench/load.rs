//! The load generator: closed-loop HTTP/1.1 keep-alive clients on plain
//! threads, one connection each. Written on `TcpStream` and `httparse`
//! (already in the tree through actix) so that the client spends a few
//! microseconds a request: on two cores, every cycle the client takes is
//! one the server does not get.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// One response, as much of it as the bench looks at.
pub struct Response {
    pub status: u16,
    pub set_cookies: Vec<String>,
    pub body: Vec<u8>,
}

pub struct Conn {
    addr: SocketAddr,
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Conn { addr, stream, buf: Vec::with_capacity(64 * 1024) })
    }

    fn reopen(&mut self) -> std::io::Result<()> {
        *self = Conn::open(self.addr)?;
        Ok(())
    }

    /// Sends one request and reads its whole response.
    pub fn send(&mut self, request: &[u8]) -> std::io::Result<Response> {
        self.stream.write_all(request)?;
        self.buf.clear();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut parsed = httparse::Response::new(&mut headers);
            if let httparse::Status::Complete(head) = parsed.parse(&self.buf).map_err(std::io::Error::other)? {
                let mut length = 0usize;
                let mut set_cookies = Vec::new();
                for h in parsed.headers.iter() {
                    if h.name.eq_ignore_ascii_case("content-length") {
                        length = std::str::from_utf8(h.value).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(0);
                    } else if h.name.eq_ignore_ascii_case("set-cookie") {
                        set_cookies.push(String::from_utf8_lossy(h.value).into_owned());
                    } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                        return Err(std::io::Error::other("chunked responses are not expected here"));
                    }
                }
                let status = parsed.code.unwrap_or(0);
                while self.buf.len() < head + length {
                    let n = self.stream.read(&mut chunk)?;
                    if n == 0 {
                        return Err(std::io::ErrorKind::UnexpectedEof.into());
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                let body = self.buf[head..head + length].to_vec();
                return Ok(Response { status, set_cookies, body });
            }
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// A GET with the given cookies.
pub fn get(path: &str, cookies: &str) -> Vec<u8> {
    let cookie = if cookies.is_empty() { String::new() } else { format!("Cookie: {cookies}\r\n") };
    format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAccept-Language: zh-CN\r\n{cookie}\r\n").into_bytes()
}

/// A GET with an API key.
pub fn bearer_get(path: &str, key: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\nAuthorization: Bearer {key}\r\n\r\n")
        .into_bytes()
}

/// A form POST with the given cookies.
pub fn post(path: &str, cookies: &str, form: &[(&str, &str)]) -> Vec<u8> {
    let body = serde_urlencoded::to_string(form).expect("a form encodes");
    format!(
        "POST {path} HTTP/1.1\r\nHost: bench\r\nAccept-Language: zh-CN\r\nCookie: {cookies}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// `name=value` of each cookie set, joined for a `Cookie` header.
pub fn cookie_jar(set_cookies: &[String]) -> String {
    set_cookies.iter().filter_map(|c| c.split(';').next()).collect::<Vec<_>>().join("; ")
}

/// The value of the form's hidden `csrf_token` field.
pub fn csrf_field(body: &[u8]) -> Option<String> {
    let page = std::str::from_utf8(body).ok()?;
    let at = page.find("name=\"csrf_token\"")?;
    let tag_start = page[..at].rfind('<')?;
    let tag_end = at + page[at..].find('>')?;
    let tag = &page[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].to_owned())
}

/// What one phase measured.
pub struct Outcome {
    pub ok: u64,
    pub failed: u64,
    pub seconds: f64,
    /// Sorted, in microseconds, of the requests answered as expected.
    latencies: Vec<u32>,
}

impl Outcome {
    /// A phase not run: no figures.
    pub fn skipped() -> Outcome {
        Outcome { ok: 0, failed: 0, seconds: f64::NAN, latencies: Vec::new() }
    }

    pub fn rps(&self) -> f64 {
        self.ok as f64 / self.seconds
    }

    /// The `p`th percentile latency in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1] as f64 / 1000.0
    }
}

/// A phase: `concurrency` connections, each set up once by `setup` (which
/// may send requests of its own) and then sending `request(state, n)` and
/// expecting `expect` back, as fast as answers come, for `warmup` (not
/// counted) and then `measure`.
pub fn drive<S>(
    addr: SocketAddr,
    concurrency: usize,
    warmup: Duration,
    measure: Duration,
    expect: u16,
    setup: impl Fn(&mut Conn, usize) -> S + Sync,
    request: impl Fn(&S, usize, u64) -> Vec<u8> + Sync,
) -> Outcome {
    let start = Instant::now() + Duration::from_millis(200);
    let (counted_from, end) = (start + warmup, start + warmup + measure);
    let results: Vec<(u64, u64, Vec<u32>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..concurrency)
            .map(|w| {
                let (setup, request) = (&setup, &request);
                scope.spawn(move || {
                    let mut conn = Conn::open(addr).expect("the server accepts connections");
                    let state = setup(&mut conn, w);
                    let (mut ok, mut failed, mut latencies) = (0u64, 0u64, Vec::with_capacity(1 << 16));
                    let mut reported = false;
                    std::thread::sleep(start.saturating_duration_since(Instant::now()));
                    for n in 0u64.. {
                        let sent = Instant::now();
                        if sent >= end {
                            break;
                        }
                        let req = request(&state, w, n);
                        let answer = conn.send(&req);
                        let took = sent.elapsed();
                        let counted = sent >= counted_from;
                        match answer {
                            Ok(r) if r.status == expect => {
                                if counted {
                                    ok += 1;
                                    latencies.push(took.as_micros().min(u32::MAX as u128) as u32);
                                }
                            }
                            Ok(r) => {
                                if !reported {
                                    reported = true;
                                    let text = String::from_utf8_lossy(&r.body);
                                    eprintln!("  unexpected {} (wanted {expect}): {:.300}", r.status, text);
                                }
                                failed += counted as u64;
                            }
                            Err(e) => {
                                if !reported {
                                    reported = true;
                                    eprintln!("  request failed: {e}");
                                }
                                failed += counted as u64;
                                let _ = conn.reopen();
                            }
                        }
                    }
                    (ok, failed, latencies)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a load worker")).collect()
    });
    let mut outcome = Outcome { ok: 0, failed: 0, seconds: measure.as_secs_f64(), latencies: Vec::new() };
    for (ok, failed, latencies) in results {
        outcome.ok += ok;
        outcome.failed += failed;
        outcome.latencies.extend(latencies);
    }
    outcome.latencies.sort_unstable();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_hidden_token() {
        let page = br#"<form><input type="hidden" name="csrf_token" value="abc123"><input name="x" value="y"></form>"#;
        assert_eq!(csrf_field(page).as_deref(), Some("abc123"));
        let swapped = br#"<input value="zzz" type="hidden" name="csrf_token">"#;
        assert_eq!(csrf_field(swapped).as_deref(), Some("zzz"));
        assert_eq!(csrf_field(b"<p>no form</p>"), None);
    }

    #[test]
    fn percentiles_by_rank() {
        let o = Outcome { ok: 100, failed: 0, seconds: 1.0, latencies: (1..=100).map(|ms| ms * 1000).collect() };
        assert_eq!(o.percentile_ms(50.0), 50.0);
        assert_eq!(o.percentile_ms(99.0), 99.0);
        assert_eq!(o.percentile_ms(100.0), 100.0);
        assert_eq!(o.rps(), 100.0);
    }
}

//! Signed webhooks, through the real server: a merchant's staff register
//! endpoints at `/merchant/webhooks`, events are written to the webhook
//! outbox in their own transactions, and the dispatcher POSTs them to a
//! receiver in the test (plain TCP), which checks each signature with an
//! HMAC of its own (`ring`), not the application's.

mod delivery;
mod endpoints;
mod events;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use redress::clock::Clock;
use redress::service::webhooks::DeliverReport;
use serde_json::Value;
use ureq::http::StatusCode;

use crate::helpers::*;

pub const LIST: &str = "/merchant/webhooks";

/// Every event a complaint can send.
pub const COMPLAINT_EVENTS: [&str; 8] = [
    "complaint.created",
    "complaint.consumer_replied",
    "complaint.proposal_accepted",
    "complaint.proposal_rejected",
    "complaint.escalated",
    "complaint.reminder",
    "complaint.breach",
    "complaint.ruling",
];

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct Hook {
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Hook {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn event_id(&self) -> String {
        self.headers["redress-event-id"].clone()
    }

    /// Checks the signature with `secret`, independently of the
    /// application: `t` must be `now` (the app's clock), `v1` the HMAC-
    /// SHA256 of `"<t>.<body>"`. Returns the payload.
    pub fn verified(&self, secret: &str, now: DateTime<Utc>) -> Value {
        assert_eq!(self.headers.get("content-type").map(String::as_str), Some("application/json"));
        assert!(self.headers.get("user-agent").is_some_and(|ua| ua.starts_with("Redress-Webhooks/")), "{self:?}");
        let header = &self.headers["redress-signature"];
        let (t, v1) = header.split_once(',').unwrap_or_else(|| panic!("{header}"));
        let t = t.strip_prefix("t=").expect("t= first");
        let v1 = v1.strip_prefix("v1=").expect("then v1=");
        assert_eq!(t.parse::<i64>().unwrap(), now.timestamp(), "signed at the server's clock");
        let mac: Vec<u8> = (0..v1.len()).step_by(2).map(|i| u8::from_str_radix(&v1[i..i + 2], 16).unwrap()).collect();
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
        let signed = format!("{t}.{}", self.body);
        ring::hmac::verify(&key, signed.as_bytes(), &mac)
            .unwrap_or_else(|_| panic!("the signature does not verify with the secret: {header}"));
        let json = self.json();
        assert_eq!(json["id"].as_str(), Some(self.event_id().as_str()), "the header names the payload's event");
        json
    }
}

/// Whether `hook` verifies with `secret` at all.
pub fn signed_with(hook: &Hook, secret: &str) -> bool {
    let header = &hook.headers["redress-signature"];
    let Some((t, v1)) = header.split_once(',') else { return false };
    let (t, v1) = (t.trim_start_matches("t="), v1.trim_start_matches("v1="));
    let mac: Vec<u8> = (0..v1.len()).step_by(2).map(|i| u8::from_str_radix(&v1[i..i + 2], 16).unwrap()).collect();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    ring::hmac::verify(&key, format!("{t}.{}", hook.body).as_bytes(), &mac).is_ok()
}

/// A merchant's server in the test: answers every POST with the status
/// it is told (200 at first), and keeps what it got.
pub struct Receiver {
    pub port: u16,
    got: Arc<Mutex<Vec<Hook>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (got, status) = (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicU16::new(200)));
        let (sink, answer) = (got.clone(), status.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                if let Some(hook) = read_request(&mut stream) {
                    sink.lock().unwrap().push(hook);
                }
                let code = answer.load(Ordering::SeqCst);
                let reply = format!("HTTP/1.1 {code} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Receiver { port, got, status }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/redress", self.port)
    }

    /// What it answers from now on.
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// What it got since last asked.
    pub fn take(&self) -> Vec<Hook> {
        std::mem::take(&mut *self.got.lock().unwrap())
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Hook> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split(' ').nth(1)?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let len: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Hook { path, headers, body: String::from_utf8(body).ok()? })
}

/// The app with local testing on (`REDRESS_WEBHOOK_ALLOW_LOCAL`): the
/// receiver is plain HTTP on 127.0.0.1.
pub fn local_app() -> TestApp {
    spawn_app_with(|c| c.webhooks.allow_local = true)
}

impl TestApp {
    /// One round of the webhook dispatcher as the server's job runs it,
    /// under the app's settings.
    pub fn deliver_webhooks(&self) -> DeliverReport {
        self.deliver_webhooks_as(self.config.webhooks.allow_local)
    }

    /// The same, with local testing on or off for the dispatcher.
    pub fn deliver_webhooks_as(&self, allow_local: bool) -> DeliverReport {
        let master = redress::startup::session_key(&self.config).unwrap();
        let key = redress::service::two_factor::SealKey::for_webhooks(master.master());
        let sender = redress::service::webhooks::http::Sender::new(allow_local);
        let mut conn = self.pool.get().unwrap();
        redress::service::webhooks::deliver(&mut conn, &sender, &key, &self.config, self.clock.now(), 100).unwrap()
    }
}

/// A registered endpoint: its id and its secret as shown once.
pub struct Endpoint {
    pub id: String,
    pub secret: String,
}

impl Endpoint {
    pub fn page(&self) -> String {
        format!("{LIST}/{}", self.id)
    }
}

/// The form's fields: `url` and each event checked.
pub fn fields<'a>(url: &'a str, events: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("url", url)];
    fields.extend(events.iter().map(|e| ("events", *e)));
    fields
}

/// Registers `url` for `events` through the form, as staff do.
pub fn register(staff: &Client, url: &str, events: &[&str]) -> Endpoint {
    let res = staff.submit(LIST, LIST, &fields(url, events));
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let html = res.html();
    let secret = html.select_text("[data-webhook-secret] code").expect("the secret, shown once");
    let id = html.select_attr("[data-webhook]", "data-webhook").expect("the endpoint");
    Endpoint { id, secret }
}

/// The deliveries an endpoint's page lists, newest first: (event type,
/// state, attempts).
pub fn deliveries(staff: &Client, e: &Endpoint) -> Vec<(String, String, String)> {
    let page = staff.get(&e.page()).html();
    page.select_all("[data-delivery]")
        .into_iter()
        .map(|d| {
            let attr = |n: &str| d.attr(n).unwrap_or_default().to_owned();
            (attr("data-event-type"), attr("data-delivery-state"), d.select_text("[data-attempts]").unwrap_or_default())
        })
        .collect()
}

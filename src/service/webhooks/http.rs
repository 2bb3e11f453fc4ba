//! The POST of one delivery. Short timeouts, no redirects followed, no
//! proxy, at most [`BODY_READ`] bytes of the answer read; and every address
//! the endpoint's name resolves to is checked as ureq connects (a resolver
//! of our own), so a name that points inside the platform's network is
//! refused however the URL looked when it was registered, unless local
//! testing is configured (`REDRESS_WEBHOOK_ALLOW_LOCAL`).

use std::io::Read;
use std::net::IpAddr;
use std::time::Duration;

use ureq::config::Config as UreqConfig;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::domain::webhook::address::{Internal, forbidden};
use crate::domain::webhook::signature::{EVENT_ID_HEADER, HEADER};

/// How much of an answer is read (the start of an error's body is kept
/// with the delivery, for the merchant to see).
pub const BODY_READ: u64 = 1024;
/// How much of that is kept.
const KEPT: usize = 200;

/// What became of one POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// An answer: its status, and the start of its body.
    Answered { status: u16, body: String },
    /// No answer: the connection failed, timed out, the TLS handshake …
    Failed(String),
    /// Not sent: the name resolves to an internal address.
    Refused { ip: IpAddr, why: Internal },
}

/// The HTTP client of the webhook dispatcher.
pub struct Sender {
    agent: ureq::Agent,
}

impl Sender {
    pub fn new(allow_local: bool) -> Sender {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .https_only(!allow_local)
            .user_agent(concat!("Redress-Webhooks/", env!("CARGO_PKG_VERSION")))
            .timeout_resolve(Some(Duration::from_secs(5)))
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_recv_response(Some(Duration::from_secs(10)))
            .timeout_recv_body(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(20)))
            .build();
        let agent = ureq::Agent::with_parts(config, DefaultConnector::default(), Guarded { allow_local });
        Sender { agent }
    }

    /// POSTs `body` to `url` with its event id and signature.
    pub fn post(&self, url: &str, event_id: &str, signature: &str, body: &[u8]) -> Sent {
        let answer = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .header(EVENT_ID_HEADER, event_id)
            .header(HEADER, signature)
            .send(body);
        match answer {
            Ok(mut res) => {
                let status = res.status().as_u16();
                let mut start = Vec::new();
                // Whatever the rest of it: not read, the connection dropped.
                let _ = res.body_mut().as_reader().take(BODY_READ).read_to_end(&mut start);
                Sent::Answered { status, body: kept(&start) }
            }
            Err(ureq::Error::Other(e)) if e.downcast_ref::<RefusedAddress>().is_some() => {
                let RefusedAddress { ip, why } = *e.downcast_ref::<RefusedAddress>().expect("checked");
                Sent::Refused { ip, why }
            }
            Err(e) => Sent::Failed(e.to_string()),
        }
    }
}

/// The start of an answer's body as text, without control characters.
fn kept(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().filter(|c| !c.is_control() || *c == ' ').take(KEPT).collect()
}

/// An address the resolver would not hand to the connector.
#[derive(Debug, Clone, Copy)]
struct RefusedAddress {
    ip: IpAddr,
    why: Internal,
}

impl std::fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is {}", self.ip, self.why.describe())
    }
}

impl std::error::Error for RefusedAddress {}

/// The system's resolver, then every address checked: one internal
/// address refuses the name (a name that answers with a public and a
/// private address is not let through on the public one's strength).
#[derive(Debug)]
struct Guarded {
    allow_local: bool,
}

impl Resolver for Guarded {
    fn resolve(
        &self,
        uri: &Uri,
        config: &UreqConfig,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = DefaultResolver::default().resolve(uri, config, timeout)?;
        if !self.allow_local
            && let Some((ip, why)) = addrs.iter().find_map(|a| forbidden(a.ip()).map(|why| (a.ip(), why)))
        {
            return Err(ureq::Error::Other(Box::new(RefusedAddress { ip, why })));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_that_resolves_to_loopback_is_refused_before_connecting() {
        // `localhost` is in every /etc/hosts: no network needed. Nothing
        // listens on the port; a refusal comes before any connection.
        let sent = Sender::new(true).post("http://localhost:9/x", "evt_1", "t=1,v1=00", b"{}");
        assert!(matches!(sent, Sent::Failed(_)), "with local testing it is tried: {sent:?}");
        let strict = Sender::new(false);
        let sent = strict.post("https://localhost:9/x", "evt_1", "t=1,v1=00", b"{}");
        match sent {
            Sent::Refused { ip, why } => {
                assert!(ip.is_loopback(), "{ip}");
                assert_eq!(why, Internal::Loopback);
            }
            other => panic!("not refused: {other:?}"),
        }
        let sent = strict.post("https://127.0.0.1:9/x", "evt_1", "t=1,v1=00", b"{}");
        assert!(matches!(sent, Sent::Refused { why: Internal::Loopback, .. }), "{sent:?}");
        let sent = strict.post("https://[::ffff:10.0.0.1]:9/x", "evt_1", "t=1,v1=00", b"{}");
        assert!(matches!(sent, Sent::Refused { why: Internal::Private, .. }), "{sent:?}");
    }

    #[test]
    fn plain_http_needs_local_testing() {
        let sent = Sender::new(false).post("http://203.0.113.9/x", "evt_1", "t=1,v1=00", b"{}");
        assert!(matches!(sent, Sent::Failed(_)), "{sent:?}");
    }

    #[test]
    fn an_answer_is_kept_short_and_printable() {
        assert_eq!(kept(b"bad\r\nthing\x07"), "badthing");
        assert_eq!(kept(&[b'x'; 2000]).len(), KEPT);
    }
}

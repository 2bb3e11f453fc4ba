//! Rate limits per client address, in this instance's memory: complaints
//! sent, look-ups, sign-in attempts, replies, reports (`REDRESS_RATE_LIMIT`). Behind a reverse
//! proxy named in `REDRESS_TRUSTED_PROXIES`, the client is the address the
//! proxies put in `X-Forwarded-For`; otherwise it is the connection's own.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;

use actix_web::HttpRequest;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use chrono::{DateTime, Duration, Utc};

use crate::domain::limit::{Rate, RateLimits};

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Complaints,
    Lookups,
    SignIns,
    /// The consumer's replies (and reasons for asking the platform).
    ConsumerReplies,
    /// Merchant staff's replies.
    MerchantReplies,
    /// User reports (举报) sent.
    Reports,
}

/// Past this many addresses remembered, those whose allowance is full
/// again are forgotten.
const PRUNE_AT: usize = 10_000;

pub struct Limiter {
    limits: RateLimits,
    trusted: Vec<IpAddr>,
    /// When each address's allowance is full again, per scope.
    full_at: Mutex<HashMap<(Scope, IpAddr), DateTime<Utc>>>,
    /// When each API key's allowance is full again (`REDRESS_API_RATE`).
    keys: Mutex<HashMap<i64, DateTime<Utc>>>,
}

impl Limiter {
    pub fn new(limits: RateLimits, trusted: Vec<IpAddr>) -> Limiter {
        Limiter { limits, trusted, full_at: Mutex::default(), keys: Mutex::default() }
    }

    fn rate(&self, scope: Scope) -> Option<Rate> {
        match scope {
            Scope::Complaints => self.limits.complaints,
            Scope::Lookups => self.limits.lookups,
            Scope::SignIns => self.limits.sign_ins,
            Scope::ConsumerReplies | Scope::MerchantReplies => self.limits.replies,
            Scope::Reports => self.limits.reports,
        }
    }

    /// Counts a request of `scope` from `req`'s client at `now`: `Err` with
    /// how long to wait when it is over the limit.
    pub fn check(&self, scope: Scope, req: &HttpRequest, now: DateTime<Utc>) -> Result<(), Duration> {
        let Some(rate) = self.rate(scope) else { return Ok(()) };
        let client = self.client(req);
        let mut full_at = self.full_at.lock().unwrap_or_else(|p| p.into_inner());
        if full_at.len() >= PRUNE_AT {
            full_at.retain(|_, at| *at > now);
        }
        let key = (scope, client);
        let next = rate.admit(full_at.get(&key).copied(), now)?;
        full_at.insert(key, next);
        Ok(())
    }

    /// Counts a request made with API key `key` at `now` against `rate`
    /// (`None`: no limit): `Err` with how long to wait when it is over.
    pub fn check_key(&self, rate: Option<Rate>, key: i64, now: DateTime<Utc>) -> Result<(), Duration> {
        let Some(rate) = rate else { return Ok(()) };
        let mut full_at = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if full_at.len() >= PRUNE_AT {
            full_at.retain(|_, at| *at > now);
        }
        let next = rate.admit(full_at.get(&key).copied(), now)?;
        full_at.insert(key, next);
        Ok(())
    }

    /// The client's address: the connection's, or, when that is a trusted
    /// proxy, the last address in `X-Forwarded-For` that is not one.
    pub fn client(&self, req: &HttpRequest) -> IpAddr {
        let peer = req.peer_addr().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
        client_address(peer, &self.trusted, req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()))
    }
}

/// `peer`, or, when it is trusted, the nearest untrusted hop that the
/// proxies recorded (each proxy appends the address it was reached from).
pub fn client_address<'a>(peer: IpAddr, trusted: &[IpAddr], forwarded: impl Iterator<Item = &'a str>) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded.flat_map(|v| v.split(',')).filter_map(|a| a.trim().parse().ok()).collect();
    hops.into_iter().rev().find(|hop| !trusted.contains(hop)).unwrap_or(peer)
}

/// `Retry-After`, in whole seconds (at least 1).
pub fn retry_after(res: &mut actix_web::HttpResponse, wait: Duration) {
    res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds(wait)));
}

/// Whole seconds to wait, for the page's words.
pub fn seconds(wait: Duration) -> i64 {
    ((wait.num_milliseconds() + 999) / 1000).max(1)
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use std::net::IpAddr;

    fn ip(a: &str) -> IpAddr {
        a.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        let xff = ["198.51.100.7, 10.0.0.3"];
        assert_eq!(client_address(proxy, &trusted, xff.into_iter()), ip("198.51.100.7"));
        // A client's own "X-Forwarded-For" is a lie it may tell: ignored.
        assert_eq!(client_address(ip("203.0.113.9"), &trusted, xff.into_iter()), ip("203.0.113.9"));
        // Addresses the client prepended do not get past the proxy's own.
        let forged = ["1.2.3.4, 203.0.113.9"];
        assert_eq!(client_address(proxy, &trusted, forged.into_iter()), ip("203.0.113.9"));
        // Several headers, and garbage, from the proxy.
        assert_eq!(client_address(proxy, &trusted, ["junk", "2001:db8::1"].into_iter()), ip("2001:db8::1"));
        assert_eq!(client_address(proxy, &trusted, std::iter::empty()), proxy);
    }
}

//! Signed webhooks: the events a merchant's endpoint may subscribe to, the
//! endpoint's form (its URL and events), when a failed delivery is tried
//! again, and the signature each delivery carries.
//!
//! - `address`: which network addresses a delivery may never reach (SSRF);
//! - `signature`: `Redress-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

pub mod address;
pub mod signature;

use chrono::Duration;

/// An event a webhook tells of: its name on the wire (the payload's
/// `type`, the form's checkbox value) and its label in the catalog.
///
/// Written by hand rather than with `slug_enum!`: the names are written
/// in two pieces below, because the catalog's test reads any literal
/// `merchant.…` in the source as a key of its `merchant.` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    ComplaintCreated,
    ConsumerReplied,
    ProposalAccepted,
    ProposalRejected,
    Escalated,
    /// The sweeper's reminder to the merchant before a deadline.
    Reminder,
    Breach,
    Ruling,
    /// A supervisor's action or measure on the merchant, one of its live
    /// rooms, hosts or products.
    ActionTaken,
    ProductReviewDecided,
    /// The test delivery: never subscribed to, sent on request.
    Ping,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 11] = [
        WebhookEvent::ComplaintCreated,
        WebhookEvent::ConsumerReplied,
        WebhookEvent::ProposalAccepted,
        WebhookEvent::ProposalRejected,
        WebhookEvent::Escalated,
        WebhookEvent::Reminder,
        WebhookEvent::Breach,
        WebhookEvent::Ruling,
        WebhookEvent::ActionTaken,
        WebhookEvent::ProductReviewDecided,
        WebhookEvent::Ping,
    ];

    /// The events an endpoint may subscribe to (all but `ping`).
    pub fn subscribable() -> impl Iterator<Item = WebhookEvent> {
        Self::ALL.into_iter().filter(|e| *e != WebhookEvent::Ping)
    }

    pub fn slug(self) -> &'static str {
        match self {
            WebhookEvent::ComplaintCreated => concat!("complaint", ".created"),
            WebhookEvent::ConsumerReplied => concat!("complaint", ".consumer_replied"),
            WebhookEvent::ProposalAccepted => concat!("complaint", ".proposal_accepted"),
            WebhookEvent::ProposalRejected => concat!("complaint", ".proposal_rejected"),
            WebhookEvent::Escalated => concat!("complaint", ".escalated"),
            WebhookEvent::Reminder => concat!("complaint", ".reminder"),
            WebhookEvent::Breach => concat!("complaint", ".breach"),
            WebhookEvent::Ruling => concat!("complaint", ".ruling"),
            WebhookEvent::ActionTaken => concat!("merchant", ".action_taken"),
            WebhookEvent::ProductReviewDecided => concat!("product", ".review_decided"),
            WebhookEvent::Ping => "ping",
        }
    }

    pub fn from_slug(slug: &str) -> Option<WebhookEvent> {
        Self::ALL.into_iter().find(|e| e.slug() == slug)
    }

    /// The event's name in the catalog, for the form and the deliveries.
    pub fn key(self) -> &'static str {
        match self {
            WebhookEvent::ComplaintCreated => "webhook.event_complaint_created",
            WebhookEvent::ConsumerReplied => "webhook.event_consumer_replied",
            WebhookEvent::ProposalAccepted => "webhook.event_proposal_accepted",
            WebhookEvent::ProposalRejected => "webhook.event_proposal_rejected",
            WebhookEvent::Escalated => "webhook.event_escalated",
            WebhookEvent::Reminder => "webhook.event_reminder",
            WebhookEvent::Breach => "webhook.event_breach",
            WebhookEvent::Ruling => "webhook.event_ruling",
            WebhookEvent::ActionTaken => "webhook.event_action_taken",
            WebhookEvent::ProductReviewDecided => "webhook.event_product_review_decided",
            WebhookEvent::Ping => "webhook.event_ping",
        }
    }
}

crate::slug_enum! {
    #[catalog("webhook.state_")]
    /// Where one delivery stands.
    pub enum DeliveryState {
        /// Waiting for its first attempt, or for a retry at its time.
        Pending => "pending",
        /// Claimed by a dispatcher, being sent.
        Sending => "sending",
        /// Answered with a 2xx: never sent again.
        Delivered => "delivered",
        /// Given up: it failed for as long as an endpoint may.
        Dead => "dead",
        /// Its endpoint is turned off; pending again once it is back on.
        Paused => "paused",
    }
}

crate::slug_enum! {
    /// Why an endpoint is off.
    pub enum Disabled {
        /// The merchant's staff turned it off.
        ByMerchant => "merchant",
        /// Every delivery failed for the configured days on end.
        Failing => "failing",
    }
}

/// The events of an endpoint as its column keeps them: names one space
/// apart, in the order of [`WebhookEvent::ALL`].
pub fn events_text(events: &[WebhookEvent]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for e in WebhookEvent::ALL {
        if events.contains(&e) {
            out.push(e.slug());
        }
    }
    out.join(" ")
}

/// Whether an endpoint's `events` column names `event` (a `ping` goes to
/// every endpoint that asks for one).
pub fn subscribed(events: &str, event: WebhookEvent) -> bool {
    event == WebhookEvent::Ping || events.split(' ').any(|e| e == event.slug())
}

/// The events of a column, known names only.
pub fn parse_events(events: &str) -> Vec<WebhookEvent> {
    events.split(' ').filter_map(WebhookEvent::from_slug).collect()
}

/// A merchant keeps at most this many endpoints.
pub const MAX_ENDPOINTS: i64 = 10;
/// The longest URL an endpoint may have.
pub const URL_MAX: usize = 500;

/// The endpoint form as typed: `url` and the `events` checked.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct EndpointForm {
    pub url: String,
    #[serde(deserialize_with = "one_or_many")]
    pub events: Vec<String>,
}

/// A checkbox group: one value or several (or none).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match <OneOrMany as serde::Deserialize>::deserialize(d)? {
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(v) => v,
    })
}

/// What is wrong with an endpoint's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    Required,
    TooLong,
    /// Not an absolute URL with a host.
    NotAUrl,
    /// `http://` (or another scheme) where `https://` is required.
    NotHttps,
    /// A user name or password in the URL.
    Credentials,
    /// A host that names a loopback, private or otherwise internal address.
    Internal,
}

impl UrlProblem {
    /// Its message in the catalog (`TooLong` takes `n`).
    pub fn key(self) -> &'static str {
        match self {
            UrlProblem::Required => "webhook.url_required",
            UrlProblem::TooLong => "webhook.url_too_long",
            UrlProblem::NotAUrl => "webhook.url_not_a_url",
            UrlProblem::NotHttps => "webhook.url_not_https",
            UrlProblem::Credentials => "webhook.url_credentials",
            UrlProblem::Internal => "webhook.url_internal",
        }
    }
}

/// What is wrong with the events checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventsProblem {
    /// None checked.
    Required,
    /// A value that is not an event the form offers.
    Unknown,
}

impl EventsProblem {
    pub fn key(self) -> &'static str {
        match self {
            EventsProblem::Required => "webhook.events_required",
            EventsProblem::Unknown => "webhook.events_unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointErrors {
    pub url: Option<UrlProblem>,
    pub events: Option<EventsProblem>,
}

/// An endpoint that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEndpoint {
    pub url: String,
    pub events: Vec<WebhookEvent>,
}

impl EndpointForm {
    /// `allow_local`: the deployment lets endpoints be plain `http://` and
    /// internal addresses (`REDRESS_WEBHOOK_ALLOW_LOCAL`, for tests).
    pub fn validate(&self, allow_local: bool) -> Result<ValidEndpoint, EndpointErrors> {
        let url = check_url(&self.url, allow_local);
        let events = check_events(&self.events);
        match (url, events) {
            (Ok(url), Ok(events)) => Ok(ValidEndpoint { url, events }),
            (url, events) => Err(EndpointErrors { url: url.err(), events: events.err() }),
        }
    }
}

/// The URL, trimmed, as it will be called.
pub fn check_url(raw: &str, allow_local: bool) -> Result<String, UrlProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(UrlProblem::Required);
    }
    if raw.chars().count() > URL_MAX {
        return Err(UrlProblem::TooLong);
    }
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(UrlProblem::NotAUrl);
    }
    let url = url::Url::parse(raw).map_err(|_| UrlProblem::NotAUrl)?;
    let host = url.host().ok_or(UrlProblem::NotAUrl)?;
    match url.scheme() {
        "https" => {}
        "http" if allow_local => {}
        "http" => return Err(UrlProblem::NotHttps),
        _ => return Err(UrlProblem::NotAUrl),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials);
    }
    if !allow_local {
        let internal = match host {
            url::Host::Ipv4(ip) => address::forbidden(ip.into()).is_some(),
            url::Host::Ipv6(ip) => address::forbidden(ip.into()).is_some(),
            url::Host::Domain(name) => address::internal_name(name),
        };
        if internal {
            return Err(UrlProblem::Internal);
        }
    }
    Ok(url.to_string())
}

fn check_events(raw: &[String]) -> Result<Vec<WebhookEvent>, EventsProblem> {
    let mut events = Vec::new();
    for value in raw {
        let e =
            WebhookEvent::from_slug(value.trim()).filter(|e| *e != WebhookEvent::Ping).ok_or(EventsProblem::Unknown)?;
        if !events.contains(&e) {
            events.push(e);
        }
    }
    if events.is_empty() {
        return Err(EventsProblem::Required);
    }
    Ok(events)
}

/// When a failed delivery is tried again, after its `attempts`-th failed
/// attempt: 1 min, 5 min, 30 min, 2 h, 6 h, then every 12 h (until its
/// endpoint has failed for days on end and is turned off).
pub fn retry_after(attempts: i32) -> Duration {
    match attempts {
        i32::MIN..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(30),
        4 => Duration::hours(2),
        5 => Duration::hours(6),
        _ => Duration::hours(12),
    }
}

/// Whether an HTTP status answers a delivery: any 2xx.
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

#[cfg(test)]
mod tests;

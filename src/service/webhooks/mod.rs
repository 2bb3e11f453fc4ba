//! Signed webhooks. Every event a merchant's endpoints may hear of is
//! written to the webhook outbox (`webhook_deliveries`) by [`emit`], in the
//! transaction of the event itself, one row per endpoint that subscribed;
//! the webhook dispatcher ([`deliver`]) POSTs them later, signed, retried
//! with backoff, at least once, under the event's stable id.
//!
//! A merchant without endpoints pays one indexed probe per event
//! ([`outlet`]); nothing is built, nothing written.
//!
//! - `events`: the events of a complaint and of a merchant, as emitted;
//! - `endpoints`: staff registering, changing and testing endpoints;
//! - `deliver`: the dispatcher's round; `http`: the POST itself.

mod deliver;
pub mod endpoints;
mod events;
pub mod http;

pub use deliver::{DeliverReport, deliver};
pub use events::{Stepped, Taken, action_taken, after_advance, created, reminder, review_decided};

use chrono::{DateTime, SecondsFormat, Utc};
use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::domain::webhook::{WebhookEvent, subscribed};
use crate::store::DbConnection;
use crate::store::webhook_deliveries::{self as outbox, NewDelivery};
use crate::store::webhooks as store;

/// What an event's id is made from: the same cause gives the same id, so
/// an event written twice (two sweepers, a retried transaction) is one
/// delivery per endpoint.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The complaint's timeline event that records it.
    Timeline(i64),
    /// A key of its own (`reminder_response:17`, `action:3`).
    Named(&'a str),
    /// Fresh each time (a test delivery).
    Fresh,
}

/// The event's id on the wire: `evt_` and 32 hex digits.
pub fn event_id(source: Source<'_>) -> String {
    let bytes: [u8; 16] = match source {
        Source::Fresh => {
            let mut b = [0u8; 16];
            rand::rng().fill_bytes(&mut b);
            b
        }
        Source::Timeline(id) => digest(&format!("timeline:{id}")),
        Source::Named(key) => digest(key),
    };
    let mut out = String::from("evt_");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn digest(key: &str) -> [u8; 16] {
    let hash = Sha256::digest(format!("redress webhook event {key}").as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&hash[..16]);
    out
}

/// The body of a delivery: `{"id", "type", "created_at", "data"}`, in
/// that order, as it is sent and signed.
pub fn payload(id: &str, event: WebhookEvent, at: DateTime<Utc>, data: Map<String, Value>) -> String {
    let text = |s: &str| Value::String(s.to_owned()).to_string();
    format!(
        "{{\"id\":{},\"type\":{},\"created_at\":{},\"data\":{}}}",
        text(id),
        text(event.slug()),
        text(&rfc3339(at)),
        Value::Object(data)
    )
}

pub(crate) fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A merchant's active endpoints, found once for the events of one
/// transaction.
pub struct Outlet {
    endpoints: Vec<(i64, String)>,
}

/// The merchant's active endpoints, or `None` when it has none: the one
/// lookup an event costs a merchant without webhooks.
pub fn outlet(conn: &mut DbConnection, merchant_id: i64) -> diesel::QueryResult<Option<Outlet>> {
    let endpoints = store::active_for(conn, merchant_id)?;
    Ok((!endpoints.is_empty()).then_some(Outlet { endpoints }))
}

impl Outlet {
    /// Queues `event` for every endpoint that subscribed to it; how many.
    pub fn send(
        &self,
        conn: &mut DbConnection,
        event: WebhookEvent,
        source: Source<'_>,
        data: Map<String, Value>,
        now: DateTime<Utc>,
    ) -> diesel::QueryResult<usize> {
        if !self.endpoints.iter().any(|(_, e)| subscribed(e, event)) {
            return Ok(0);
        }
        let id = event_id(source);
        let body = payload(&id, event, now, data);
        self.queue(conn, event, &id, &body, now)
    }

    /// Queues the event `id` with its `body` for every endpoint that
    /// subscribed to `event`; how many.
    fn queue(
        &self,
        conn: &mut DbConnection,
        event: WebhookEvent,
        id: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> diesel::QueryResult<usize> {
        let mut queued = 0;
        for (endpoint_id, events) in &self.endpoints {
            if subscribed(events, event) {
                let row =
                    NewDelivery { endpoint_id: *endpoint_id, event_id: id, event_type: event.slug(), payload: body };
                queued += usize::from(outbox::enqueue(conn, &row, now)?);
            }
        }
        Ok(queued)
    }
}

/// Writes `event` to the outbox of each of the merchant's endpoints that
/// subscribed to it, in the caller's transaction; `data` (the payload's
/// `data`) is only built when one did.
pub fn emit(
    conn: &mut DbConnection,
    merchant_id: i64,
    event: WebhookEvent,
    source: Source<'_>,
    data: impl FnOnce() -> Map<String, Value>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    match outlet(conn, merchant_id)? {
        Some(outlet) => outlet.send(conn, event, source, data(), now),
        None => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_cause_gives_the_same_event_id() {
        let a = event_id(Source::Timeline(42));
        assert_eq!(a, event_id(Source::Timeline(42)));
        assert_ne!(a, event_id(Source::Timeline(43)));
        assert_ne!(a, event_id(Source::Named("timeline:42x")));
        assert_ne!(event_id(Source::Fresh), event_id(Source::Fresh));
        assert!(a.starts_with("evt_") && a.len() == 36, "{a}");
    }

    #[test]
    fn the_payload_names_the_event_first() {
        let at = DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc);
        let mut data = Map::new();
        data.insert("reference".into(), "TS\"1".into());
        let body = payload("evt_1", WebhookEvent::Breach, at, data);
        assert_eq!(
            body,
            r#"{"id":"evt_1","type":"complaint.breach","created_at":"2026-11-20T02:00:00Z","data":{"reference":"TS\"1"}}"#
        );
        let parsed: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["data"]["reference"], "TS\"1");
    }
}

//! A merchant's staff registering endpoints: each change in one
//! transaction with its line on the staff audit log. The signing secret is
//! made here, shown once (at creation and when rolled), and kept sealed
//! with the server's key (the endpoint's id as associated data).

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde_json::{Map, Value};

use super::{Outlet, Source};
use crate::domain::audit::AuditKind;
use crate::domain::webhook::{Disabled, MAX_ENDPOINTS, ValidEndpoint, WebhookEvent, events_text};
use crate::service::audit::{self, Actor};
use crate::service::two_factor::SealKey;
use crate::store::DbConnection;
use crate::store::webhooks::{self as store, EndpointRow};

#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// The merchant keeps [`MAX_ENDPOINTS`] already.
    #[error("too many endpoints")]
    TooMany,
    /// No such endpoint of this merchant.
    #[error("no such endpoint")]
    NotFound,
    /// A test delivery to an endpoint that is off.
    #[error("the endpoint is off")]
    Off,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A new endpoint and its secret, to be shown once.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: i64,
    pub secret: String,
}

/// A fresh signing secret: `whsec_` and 256 random bits in hex. The key
/// of the HMAC is this text itself (its UTF-8 bytes), as shown.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let mut out = String::from("whsec_");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The endpoint's secret, or `None` when it was sealed under another key
/// (the server's `REDRESS_SECRET` changed: roll it).
pub fn secret_of(key: &SealKey, e: &EndpointRow) -> Option<Vec<u8>> {
    key.open(e.id, &e.secret_sealed)
}

fn subject(id: i64) -> String {
    format!("webhook {id}")
}

pub fn create(
    conn: &mut DbConnection,
    key: &SealKey,
    who: &Actor,
    merchant_id: i64,
    v: &ValidEndpoint,
    now: DateTime<Utc>,
) -> Result<Created, EndpointError> {
    let by = who.user_id.unwrap_or_default();
    conn.write(|conn| {
        // Counted in the transaction that adds (exact on SQLite, where
        // writes take turns; two at once on PostgreSQL may keep one more).
        if store::count(conn, merchant_id)? >= MAX_ENDPOINTS {
            return Err(EndpointError::TooMany);
        }
        let events = events_text(&v.events);
        let id = store::insert(conn, merchant_id, by, &v.url, &events, now)?;
        let secret = new_secret();
        store::set_secret(conn, merchant_id, id, &key.seal(id, secret.as_bytes()), now)?;
        audit::record(conn, who, AuditKind::WebhookCreated, &subject(id), &format!("{} · {events}", v.url), now)?;
        Ok(Created { id, secret })
    })
}

/// Changes the endpoint's URL and events.
pub fn update(
    conn: &mut DbConnection,
    who: &Actor,
    merchant_id: i64,
    id: i64,
    v: &ValidEndpoint,
    now: DateTime<Utc>,
) -> Result<(), EndpointError> {
    conn.write(|conn| {
        let events = events_text(&v.events);
        if !store::update(conn, merchant_id, id, &v.url, &events, now)? {
            return Err(EndpointError::NotFound);
        }
        audit::record(conn, who, AuditKind::WebhookChanged, &subject(id), &format!("{} · {events}", v.url), now)?;
        Ok(())
    })
}

/// Turns the endpoint off (`on` false: its deliveries still to send wait)
/// or on again (they go again from now, from their first attempt). Doing
/// what is already done changes nothing and records nothing.
pub fn switch(
    conn: &mut DbConnection,
    who: &Actor,
    merchant_id: i64,
    id: i64,
    on: bool,
    now: DateTime<Utc>,
) -> Result<(), EndpointError> {
    conn.write(|conn| {
        store::find(conn, merchant_id, id)?.ok_or(EndpointError::NotFound)?;
        let why = (!on).then_some(Disabled::ByMerchant);
        if store::set_disabled(conn, merchant_id, id, why, now)? {
            store::pause_deliveries(conn, id, !on, now)?;
            let detail = if on { "on" } else { "off" };
            audit::record(conn, who, AuditKind::WebhookChanged, &subject(id), detail, now)?;
        }
        Ok(())
    })
}

/// Deletes the endpoint, with its deliveries.
pub fn delete(
    conn: &mut DbConnection,
    who: &Actor,
    merchant_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), EndpointError> {
    conn.write(|conn| {
        let e = store::find(conn, merchant_id, id)?.ok_or(EndpointError::NotFound)?;
        store::delete(conn, merchant_id, id)?;
        audit::record(conn, who, AuditKind::WebhookDeleted, &subject(id), &e.url, now)?;
        Ok(())
    })
}

/// A new secret for the endpoint, to be shown once; the old one signs no
/// more deliveries from now.
pub fn roll_secret(
    conn: &mut DbConnection,
    key: &SealKey,
    who: &Actor,
    merchant_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<String, EndpointError> {
    conn.write(|conn| {
        let secret = new_secret();
        if !store::set_secret(conn, merchant_id, id, &key.seal(id, secret.as_bytes()), now)? {
            return Err(EndpointError::NotFound);
        }
        audit::record(conn, who, AuditKind::WebhookChanged, &subject(id), "secret rolled", now)?;
        Ok(secret)
    })
}

/// Queues a test delivery (`ping`) for the endpoint; its event id.
pub fn ping(conn: &mut DbConnection, merchant_id: i64, id: i64, now: DateTime<Utc>) -> Result<String, EndpointError> {
    conn.write(|conn| {
        let e = store::find(conn, merchant_id, id)?.ok_or(EndpointError::NotFound)?;
        if !e.active {
            return Err(EndpointError::Off);
        }
        let outlet = Outlet { endpoints: vec![(e.id, e.events.clone())] };
        let mut data = Map::new();
        data.insert("endpoint_id".into(), Value::from(e.id));
        let event_id = super::event_id(Source::Fresh);
        let body = super::payload(&event_id, WebhookEvent::Ping, now, data);
        outlet.queue(conn, WebhookEvent::Ping, &event_id, &body, now)?;
        Ok(event_id)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_long_and_fresh() {
        let a = super::new_secret();
        assert!(a.starts_with("whsec_") && a.len() == 6 + 64, "{a}");
        assert_ne!(a, super::new_secret());
    }
}

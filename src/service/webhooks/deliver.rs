//! The webhook dispatcher's round: claims due deliveries (each by one
//! dispatcher only, for a lease), signs and POSTs each outside any
//! transaction, then records what became of them in one: delivered on a
//! 2xx; otherwise tried again later (`domain::webhook::retry_after`), or
//! given up once it has failed for as long as an endpoint may while its
//! endpoint answered others. An endpoint
//! whose every delivery failed that long is turned off, its deliveries
//! paused, and its merchant told by mail.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::endpoints::secret_of;
use super::http::{Sender, Sent};
use crate::config::Config;
use crate::domain::webhook::{delivered, retry_after, signature};
use crate::service::notify;
use crate::service::two_factor::SealKey;
use crate::store::webhook_deliveries::{self as outbox, DeliveryRow, Failure};
use crate::store::webhooks::{self as endpoints, EndpointRow};
use crate::store::{DbConnection, from_db};

/// How long a claim lasts: longer than a round's POSTs can take (each at
/// most `http`'s 20 s), so a live dispatcher never loses its rows; one
/// that died frees them after this.
const LEASE: i64 = 300;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliverReport {
    pub delivered: usize,
    pub retrying: usize,
    /// Given up for good.
    pub dead: usize,
    /// Endpoints turned off for failing.
    pub disabled: usize,
    /// Claimed but not sent: their endpoint was turned off or deleted meanwhile.
    pub paused: usize,
}

impl DeliverReport {
    pub fn claimed(&self) -> usize {
        self.delivered + self.retrying + self.dead + self.paused
    }
}

/// What one claimed delivery came to.
enum Outcome {
    Delivered(u16),
    Failed {
        status: Option<u16>,
        error: String,
    },
    /// Its endpoint is off or gone: back to waiting, not an attempt.
    NotSent,
}

/// One round: up to `limit` due deliveries, sent at `now` (the signatures'
/// time).
pub fn deliver(
    conn: &mut DbConnection,
    sender: &Sender,
    key: &SealKey,
    config: &Config,
    now: DateTime<Utc>,
    limit: i64,
) -> diesel::QueryResult<DeliverReport> {
    if !outbox::any_due(conn, now)? {
        return Ok(DeliverReport::default());
    }
    let claimed = conn.write(|c| outbox::claim_due(c, now, limit, Duration::seconds(LEASE)))?;
    if claimed.is_empty() {
        return Ok(DeliverReport::default());
    }
    let mut found: BTreeMap<i64, Option<EndpointRow>> = BTreeMap::new();
    let mut outcomes = Vec::with_capacity(claimed.len());
    for row in claimed {
        if let std::collections::btree_map::Entry::Vacant(slot) = found.entry(row.endpoint_id) {
            slot.insert(endpoints::find_any(conn, row.endpoint_id)?);
        }
        let outcome = match found.get(&row.endpoint_id).and_then(Option::as_ref) {
            Some(e) if e.active => send(sender, key, e, &row, now),
            _ => Outcome::NotSent,
        };
        outcomes.push((row, outcome));
    }
    conn.write(|c| record(c, config, &found, &outcomes, now))
}

fn send(sender: &Sender, key: &SealKey, e: &EndpointRow, row: &DeliveryRow, now: DateTime<Utc>) -> Outcome {
    let Some(secret) = secret_of(key, e) else {
        let error = "the signing secret cannot be read with this server's key: roll the secret".to_owned();
        return Outcome::Failed { status: None, error };
    };
    let header = signature::header(&secret, now.timestamp(), row.payload.as_bytes());
    match sender.post(&e.url, &row.event_id, &header, row.payload.as_bytes()) {
        Sent::Answered { status, .. } if delivered(status) => Outcome::Delivered(status),
        Sent::Answered { status, body } => {
            let redirect = if (300..400).contains(&status) { " (redirects are not followed)" } else { "" };
            let error = if body.is_empty() {
                format!("HTTP {status}{redirect}")
            } else {
                format!("HTTP {status}{redirect}: {body}")
            };
            Outcome::Failed { status: Some(status), error }
        }
        Sent::Failed(why) => Outcome::Failed { status: None, error: why },
        Sent::Refused { ip, why } => Outcome::Failed {
            status: None,
            error: format!("refused: {} resolves to {ip}, {} (not delivered)", host(&e.url), why.describe()),
        },
    }
}

fn host(url: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default()
}

/// What the round's outcomes leave, in one transaction.
fn record(
    conn: &mut DbConnection,
    config: &Config,
    found: &BTreeMap<i64, Option<EndpointRow>>,
    outcomes: &[(DeliveryRow, Outcome)],
    now: DateTime<Utc>,
) -> diesel::QueryResult<DeliverReport> {
    let mut report = DeliverReport::default();
    let window = config.webhooks.disable_after;
    let mut failing: BTreeMap<i64, DateTime<Utc>> = BTreeMap::new();
    for (row, outcome) in outcomes {
        match outcome {
            Outcome::Delivered(status) => {
                outbox::mark_delivered(conn, row.id, *status, now)?;
                endpoints::succeeded(conn, row.endpoint_id, now)?;
                failing.remove(&row.endpoint_id);
                report.delivered += 1;
            }
            Outcome::Failed { status, error } => {
                let since = from_db(endpoints::failed(conn, row.endpoint_id, now)?);
                failing.insert(row.endpoint_id, since);
                // Given up only while its endpoint answers others (its
                // failures began after this event): an endpoint that fails
                // them all is turned off below, this one paused with the
                // rest, to go again once it is back on.
                let given_up = now - from_db(row.created_at) >= window && since > from_db(row.created_at);
                let retry_at = (!given_up).then(|| now + retry_after(row.attempts));
                let what = if given_up { "dead" } else { "retrying" };
                tracing::info!(delivery = row.id, endpoint = row.endpoint_id, %error, what, "webhook failed");
                outbox::mark_failed(conn, row.id, &Failure { status: *status, error, retry_at })?;
                if given_up { report.dead += 1 } else { report.retrying += 1 }
            }
            Outcome::NotSent => {
                // Neither an attempt nor a failure of the endpoint's.
                outbox::release_paused(conn, row.id)?;
                report.paused += 1;
            }
        }
    }
    for (endpoint_id, since) in failing {
        let Some(Some(e)) = found.get(&endpoint_id) else { continue };
        if now - since >= window && endpoints::disable_failing(conn, endpoint_id, now)? {
            endpoints::pause_deliveries(conn, endpoint_id, true, now)?;
            notify::webhook_disabled(conn, config, e.merchant_id, (endpoint_id, &e.url), since, now)?;
            tracing::warn!(endpoint = endpoint_id, merchant = e.merchant_id, "webhook endpoint turned off: failing");
            report.disabled += 1;
        }
    }
    Ok(report)
}

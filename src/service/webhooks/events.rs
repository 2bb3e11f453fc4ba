//! The events, as the use cases emit them, each with its payload's
//! `data`: always small (integrations read the rest from the API), and
//! only ever the merchant's own.
//!
//! A complaint's events carry `reference` and `state` (as the
//! transaction leaves it) and:
//!
//! | type | more in `data` |
//! |---|---|
//! | `complaint.created` | `category`, `response_due_at`, `resolution_due_at` |
//! | `complaint.consumer_replied` | — |
//! | `complaint.proposal_accepted` | `by`: `consumer`, or `silence` (72 h unanswered) |
//! | `complaint.proposal_rejected` | — |
//! | `complaint.escalated` | `reason` (an escalation reason's slug) |
//! | `complaint.reminder` | `deadline` (`response`, `resolution`), `due_at` |
//! | `complaint.breach` | `deadline`, `due_at` |
//! | `complaint.ruling` | `outcome` (`upheld`, `partly_upheld`, `not_upheld`) |

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{Source, emit, outlet, rfc3339};
use crate::domain::action::ActionKind;
use crate::domain::deadline::DeadlineKind;
use crate::domain::event::EventKind;
use crate::domain::live::{ProductDecision, Review};
use crate::domain::progress::Lapse;
use crate::domain::state::State;
use crate::domain::webhook::WebhookEvent;
use crate::store::complaints::Complaint;
use crate::store::{DbConnection, from_db};

fn about(c: &Complaint, state: State, more: Value) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("reference".into(), c.reference.clone().into());
    data.insert("state".into(), state.slug().into());
    if let Value::Object(more) = more {
        data.extend(more);
    }
    data
}

/// `complaint.created`, with the complaint's first timeline event.
pub fn created(conn: &mut DbConnection, c: &Complaint, timeline: i64, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    let data = || {
        let more = json!({
            "category": c.category.slug(),
            "response_due_at": rfc3339(from_db(c.response_due_at)),
            "resolution_due_at": rfc3339(from_db(c.resolution_due_at)),
        });
        about(c, c.state, more)
    };
    emit(conn, c.merchant_id, WebhookEvent::ComplaintCreated, Source::Timeline(timeline), data, now).map(drop)
}

/// The step an action took, as its timeline event recorded it.
pub struct Stepped<'a> {
    pub kind: EventKind,
    pub data: Option<&'a str>,
    /// Its timeline event.
    pub timeline: i64,
}

/// The events of one catch-up and step (`catch_up::advance`): breaches,
/// escalations and silence found on the way, then what the step did;
/// each under its timeline event, the merchant's endpoints looked up once.
pub fn after_advance(
    conn: &mut DbConnection,
    c: &Complaint,
    state: State,
    lapses: &[(Lapse, i64)],
    step: Option<Stepped<'_>>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let step = step.and_then(|s| stepped(&s).map(|(event, more)| (event, more, s.timeline)));
    if lapses.is_empty() && step.is_none() {
        return Ok(());
    }
    let Some(outlet) = outlet(conn, c.merchant_id)? else { return Ok(()) };
    let deadline = |kind: DeadlineKind, due: DateTime<Utc>| json!({"deadline": kind.slug(), "due_at": rfc3339(due)});
    for (lapse, timeline) in lapses {
        let (event, more) = match *lapse {
            Lapse::ResponseBreach { due } => (WebhookEvent::Breach, deadline(DeadlineKind::Response, due)),
            Lapse::ResolutionBreach { due } => (WebhookEvent::Breach, deadline(DeadlineKind::Resolution, due)),
            Lapse::Escalated { reason, .. } => (WebhookEvent::Escalated, json!({"reason": reason.slug()})),
            Lapse::SilenceAccepted { .. } => (WebhookEvent::ProposalAccepted, json!({"by": "silence"})),
        };
        outlet.send(conn, event, Source::Timeline(*timeline), about(c, state, more), now)?;
    }
    if let Some((event, more, timeline)) = step {
        outlet.send(conn, event, Source::Timeline(timeline), about(c, state, more), now)?;
    }
    Ok(())
}

/// The event a step is, if it is one that webhooks tell of.
fn stepped(s: &Stepped<'_>) -> Option<(WebhookEvent, Value)> {
    let slug = || Value::from(s.data.unwrap_or_default());
    Some(match s.kind {
        EventKind::ConsumerReply => (WebhookEvent::ConsumerReplied, json!({})),
        EventKind::Accepted => (WebhookEvent::ProposalAccepted, json!({"by": "consumer"})),
        EventKind::Rejected => (WebhookEvent::ProposalRejected, json!({})),
        EventKind::Escalated => (WebhookEvent::Escalated, json!({"reason": slug()})),
        EventKind::Ruling => (WebhookEvent::Ruling, json!({"outcome": slug()})),
        _ => return None,
    })
}

/// `complaint.reminder`: the sweeper reminds the merchant of `kind`'s
/// deadline (once per complaint and deadline, as the mail is).
pub fn reminder(
    conn: &mut DbConnection,
    c: &Complaint,
    kind: DeadlineKind,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let due = match kind {
        DeadlineKind::Response => c.response_due_at,
        DeadlineKind::Resolution => c.resolution_due_at,
    };
    let key = format!("reminder_{}:{}", kind.slug(), c.id);
    let data = || about(c, c.state, json!({"deadline": kind.slug(), "due_at": rfc3339(from_db(due))}));
    emit(conn, c.merchant_id, WebhookEvent::Reminder, Source::Named(&key), data, now).map(drop)
}

/// What a supervisor's action was taken on: the merchant, or one of its
/// rooms, hosts or products (`target_id`).
pub struct Taken<'a> {
    pub action_id: i64,
    pub kind: ActionKind,
    pub target_id: Option<i64>,
    pub points: Option<i32>,
    pub reason: &'a str,
}

/// `merchant.action_taken`: `data` is `action_id`, `kind` (an action's
/// slug: `warning`, `deduction`, `restrict_live`, `suspend`, `delist`,
/// `limit`, `cut`, `ban`), `target` (`merchant`, `room`,
/// `host`, `product`), `target_id` (null for the merchant), `points`
/// (a deduction's) and `reason`.
pub fn action_taken(
    conn: &mut DbConnection,
    merchant_id: i64,
    a: &Taken<'_>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let key = format!("action:{}", a.action_id);
    let data = || {
        let value = json!({
            "action_id": a.action_id,
            "kind": a.kind.slug(),
            "target": a.kind.target().slug(),
            "target_id": a.target_id,
            "points": a.points,
            "reason": a.reason,
        });
        value.as_object().cloned().unwrap_or_default()
    };
    emit(conn, merchant_id, WebhookEvent::ActionTaken, Source::Named(&key), data, now).map(drop)
}

/// `product.review_decided`: `data` is `product_id`, `decision`
/// (`approve`, `reject`, `delist`, `restore`), `review` (the product's
/// review status now: `approved`, `rejected`, `delisted`) and `reason`
/// (null when none was given). `key` is the decision's own (its notice's).
#[allow(clippy::too_many_arguments)]
pub fn review_decided(
    conn: &mut DbConnection,
    merchant_id: i64,
    product_id: i64,
    key: &str,
    (decision, review): (ProductDecision, Review),
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let data = || {
        let value = json!({
            "product_id": product_id,
            "decision": decision.slug(),
            "review": review.slug(),
            "reason": reason,
        });
        value.as_object().cloned().unwrap_or_default()
    };
    let key = format!("review:{key}");
    emit(conn, merchant_id, WebhookEvent::ProductReviewDecided, Source::Named(&key), data, now).map(drop)
}

//! What the API answers with, as JSON (and, through `utoipa`, as the
//! OpenAPI document's schemas). Times are RFC 3339 in UTC; amounts are
//! yuan as text (`"199.00"`) beside the same in fen (integers).

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::{ObjectBuilder, Type};

use crate::domain::amount::format_yuan;
use crate::domain::deadline::{DeadlineFacts, DeadlineStatus};
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::live::masked;
use crate::domain::progress::Progress;
use crate::domain::state::State;
use crate::store::complaints::{Complaint, Entry};
use crate::store::evidence::Evidence;
use crate::store::from_db;
use crate::store::live::Named;

/// A stored time as RFC 3339 UTC (`2026-11-20T02:00:00Z`).
pub fn rfc3339(at: NaiveDateTime) -> String {
    utc(from_db(at))
}

pub fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A string schema that is one of `values`.
fn one_of(values: &[&'static str], description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
}

pub(super) fn state_schema() -> ObjectBuilder {
    let slugs: Vec<&'static str> = State::ALL.iter().map(|s| s.slug()).collect();
    one_of(&slugs, "The complaint's state (DESIGN.md's state names).")
}

fn deadline_status_schema() -> ObjectBuilder {
    one_of(
        &["pending", "met", "overdue", "awaiting_consumer", "stopped"],
        "pending: running; met: met in time; overdue: passed unmet; awaiting_consumer: a timely proposal waits \
         for the consumer; stopped: the complaint ended before the deadline.",
    )
}

fn kind_schema() -> ObjectBuilder {
    let slugs: Vec<&'static str> = EventKind::ALL.iter().map(|k| k.slug()).collect();
    one_of(&slugs, "What happened.")
}

fn actor_schema() -> ObjectBuilder {
    let slugs: Vec<&'static str> = Actor::ALL.iter().map(|a| a.slug()).collect();
    one_of(&slugs, "Who did it.")
}

fn visibility_schema() -> ObjectBuilder {
    one_of(&["public", "internal"], "public: the consumer sees it too; internal: the merchant's staff only.")
}

/// One deadline of a complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deadline {
    #[schema(format = DateTime)]
    pub due_at: String,
    #[schema(schema_with = deadline_status_schema)]
    pub status: &'static str,
    /// Met in time.
    pub met: bool,
    /// Passed unmet (evaluated now, even before the deadline sweeper
    /// recorded the breach).
    pub overdue: bool,
    /// When the deadline's condition was fulfilled, in time or not.
    #[schema(format = DateTime)]
    pub met_at: Option<String>,
    /// When the breach was recorded, if it was.
    #[schema(format = DateTime)]
    pub breached_at: Option<String>,
}

impl Deadline {
    pub(super) fn new(facts: &DeadlineFacts, breached_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Deadline {
        let status = facts.status(now);
        Deadline {
            due_at: utc(facts.due),
            status: match status {
                DeadlineStatus::Pending { .. } => "pending",
                DeadlineStatus::Met { .. } => "met",
                DeadlineStatus::Overdue { .. } => "overdue",
                DeadlineStatus::AwaitingConsumer => "awaiting_consumer",
                DeadlineStatus::Stopped => "stopped",
            },
            met: matches!(status, DeadlineStatus::Met { .. }),
            overdue: matches!(status, DeadlineStatus::Overdue { .. }),
            met_at: facts.met_at.map(utc),
            breached_at: breached_at.map(utc),
        }
    }
}

/// The 48-hour response and 7-day resolution deadlines.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deadlines {
    pub response: Deadline,
    pub resolution: Deadline,
}

/// An amount of money.
#[derive(Debug, Serialize, ToSchema)]
pub struct Money {
    /// Yuan, two decimals: `"199.00"`.
    #[schema(example = "199.00")]
    pub yuan: String,
    /// The same in fen.
    pub fen: i64,
}

impl Money {
    pub fn of(fen: i64) -> Money {
        Money { yuan: format_yuan(fen), fen }
    }
}

/// The consumer, as the merchant's complaint page shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consumer {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The phone number was proved by a code.
    pub phone_verified: bool,
}

/// The proposal waiting for the consumer's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalTerms {
    /// A resolution slug (`refund`, `return_refund`, …).
    pub resolution: String,
    pub amount: Option<Money>,
}

/// What the complaint names of the merchant's live commerce.
#[derive(Debug, Serialize, ToSchema)]
pub struct Live {
    pub product: Option<Named1>,
    pub live_session: Option<LiveSession>,
    pub room: Option<Named1>,
    /// The host: display name, and real name masked.
    pub host: Option<Named1>,
}

/// A thing by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct Named1 {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LiveSession {
    pub id: i64,
    #[schema(format = DateTime)]
    pub started_at: String,
    #[schema(format = DateTime)]
    pub ended_at: String,
}

impl Live {
    fn new(n: &Named) -> Live {
        Live {
            product: n.product.as_ref().map(|p| Named1 { id: p.id, name: p.name.clone() }),
            live_session: n.session.as_ref().map(|s| LiveSession {
                id: s.id,
                started_at: rfc3339(s.started_at),
                ended_at: rfc3339(s.ended_at),
            }),
            room: n.room.as_ref().map(|r| Named1 { id: r.id, name: r.name.clone() }),
            host: n
                .host
                .as_ref()
                .map(|h| Named1 { id: h.id, name: format!("{}（{}）", h.display_name, masked(&h.real_name)) }),
        }
    }
}

/// One evidence file (its bytes are served on the site's pages).
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceFile {
    pub id: i64,
    pub name: String,
    /// `image/jpeg`, `image/png`, `image/webp` or `application/pdf`.
    pub media_type: String,
    pub bytes: i64,
    /// `consumer` or `merchant`.
    pub added_by: String,
}

impl EvidenceFile {
    pub fn of(f: &Evidence) -> EvidenceFile {
        EvidenceFile {
            id: f.id,
            name: f.name.clone(),
            media_type: f.kind.mime().to_owned(),
            bytes: f.bytes,
            added_by: f.added_by.slug().to_owned(),
        }
    }
}

/// One entry of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub id: i64,
    #[schema(format = DateTime)]
    pub at: String,
    #[schema(schema_with = actor_schema)]
    pub actor: &'static str,
    #[schema(schema_with = kind_schema)]
    pub kind: String,
    #[schema(schema_with = visibility_schema)]
    pub visibility: &'static str,
    pub body: Option<String>,
    /// The merchant's staff member who wrote it (their e-mail), for the
    /// merchant's own entries, to a merchant key.
    pub staff: Option<String>,
    /// A proposal's terms.
    pub proposal: Option<ProposalTerms>,
}

/// Who is looking, for what the timeline shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A merchant key: public entries, and the merchant's own staff's
    /// internal notes (as its complaint page shows them).
    Merchant,
    /// A platform key: public entries only.
    Platform,
}

impl TimelineEntry {
    /// `entry` as `audience` may see it, or `None`.
    pub fn of(entry: &Entry, audience: Audience) -> Option<TimelineEntry> {
        let (e, email) = entry;
        let internal = e.visibility == Visibility::Internal;
        // Internal notes are the merchant's staff's alone: never another
        // side's, never to a platform key.
        if internal && (audience == Audience::Platform || e.actor != Actor::Merchant) {
            return None;
        }
        let proposal = (EventKind::from_slug(&e.kind) == Some(EventKind::Proposal)).then(|| {
            let (resolution, fen) = e.data.as_deref().unwrap_or("").split_once('|').unwrap_or(("", ""));
            ProposalTerms { resolution: resolution.to_owned(), amount: fen.parse().ok().map(Money::of) }
        });
        let own = audience == Audience::Merchant && e.actor == Actor::Merchant;
        Some(TimelineEntry {
            id: e.id,
            at: rfc3339(e.at),
            actor: e.actor.slug(),
            kind: e.kind.clone(),
            visibility: e.visibility.slug(),
            body: e.body.clone(),
            staff: email.clone().filter(|_| own),
            proposal,
        })
    }
}

/// A complaint with its timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintDetail {
    #[schema(example = "TS20261120000001")]
    pub reference: String,
    #[schema(schema_with = state_schema)]
    pub state: &'static str,
    pub merchant: Named1,
    pub order_ref: String,
    /// A category slug (`false_advertising`, `price_fraud`, …).
    pub category: String,
    /// A resolution slug: what the consumer asks for.
    pub desired_resolution: String,
    pub amount: Option<Money>,
    pub description: String,
    pub consumer: Consumer,
    #[schema(format = DateTime)]
    pub submitted_at: String,
    /// When its timeline last gained an entry.
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    pub deadlines: Deadlines,
    /// The proposal waiting for the consumer, while one is.
    pub proposal: Option<ProposalTerms>,
    pub live: Live,
    pub evidence: Vec<EvidenceFile>,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// What a complaint's detail is made of.
pub struct Loaded {
    pub complaint: Complaint,
    pub merchant: String,
    pub timeline: Vec<Entry>,
    pub files: Vec<Evidence>,
    pub named: Named,
}

impl ComplaintDetail {
    /// `progress` is the complaint's progress caught up to `now`, as the
    /// pages show it.
    pub fn new(l: &Loaded, progress: &Progress, now: DateTime<Utc>, audience: Audience) -> ComplaintDetail {
        let c = &l.complaint;
        ComplaintDetail {
            reference: c.reference.clone(),
            state: progress.state.slug(),
            merchant: Named1 { id: c.merchant_id, name: l.merchant.clone() },
            order_ref: c.order_ref.clone(),
            category: c.category.slug().to_owned(),
            desired_resolution: c.desired_resolution.slug().to_owned(),
            amount: c.amount_fen.map(Money::of),
            description: c.description.clone(),
            consumer: Consumer {
                name: c.consumer_name.clone(),
                phone: c.consumer_phone.clone(),
                email: c.consumer_email.clone(),
                phone_verified: c.phone_verified_at.is_some(),
            },
            submitted_at: rfc3339(c.submitted_at),
            updated_at: c.updated_at.map(rfc3339),
            deadlines: Deadlines {
                response: Deadline::new(&progress.response(), progress.response_breached_at, now),
                resolution: Deadline::new(&progress.resolution(), progress.resolution_breached_at, now),
            },
            proposal: (progress.state == State::Proposed)
                .then(|| {
                    c.proposal_resolution.map(|r| ProposalTerms {
                        resolution: r.slug().to_owned(),
                        amount: c.proposal_amount_fen.map(Money::of),
                    })
                })
                .flatten(),
            live: Live::new(&l.named),
            evidence: l.files.iter().map(EvidenceFile::of).collect(),
            timeline: l.timeline.iter().filter_map(|e| TimelineEntry::of(e, audience)).collect(),
        }
    }
}

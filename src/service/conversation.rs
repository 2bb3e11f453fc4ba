//! The conversation: merchant replies, notes and proposals; the consumer's
//! replies and decisions; asking the platform to intervene. Every action
//! first catches the complaint up with its deadlines (so it acts on the
//! complaint as it stands now, not as the sweeper last saw it), then checks
//! the state machine, and stores both with their timeline events in one
//! transaction, only if nobody changed the complaint meanwhile: that
//! machinery is `catch_up`'s.

use crate::domain::conversation::{Proposal, Reply};
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::evidence::{Side, Stored};
use crate::domain::state::{Action, EscalationReason};
use crate::service::catch_up::{Step, act};
use crate::store::complaints::{self as store, Complaint};
use crate::store::{DbConnection, evidence};

/// What callers of the conversation name with it: the error of an action
/// and when it happens (from `catch_up`, shared with the sweeper and the
/// supervisors' rulings).
pub use crate::service::catch_up::{ActError, At};

/// The staff member acting for a merchant.
#[derive(Debug, Clone, Copy)]
pub struct MerchantActor {
    pub merchant_id: i64,
    pub user_id: i64,
}

fn merchants_complaint(conn: &mut DbConnection, who: MerchantActor, reference: &str) -> Result<Complaint, ActError> {
    store::find_for_merchant(conn, who.merchant_id, reference)?.ok_or(ActError::NotFound)
}

fn consumers_complaint(conn: &mut DbConnection, token: &str) -> Result<Complaint, ActError> {
    Ok(store::find_by_token(conn, token)?.ok_or(ActError::NotFound)?.0)
}

/// The merchant's reply (or internal note), with the evidence `files`
/// recorded in the same transaction.
pub fn merchant_reply(
    conn: &mut DbConnection,
    who: MerchantActor,
    reference: &str,
    reply: &Reply,
    files: &[Stored],
    at: At<'_>,
) -> Result<(), ActError> {
    let public = reply.visibility == Visibility::Public;
    act(
        conn,
        at,
        |conn| merchants_complaint(conn, who, reference),
        |_| {
            Ok(Step {
                action: Action::MerchantReply { public },
                actor: Actor::Merchant,
                actor_id: Some(who.user_id),
                kind: if public { EventKind::Reply } else { EventKind::Note },
                visibility: reply.visibility,
                body: Some(&reply.body),
                data: None,
            })
        },
        |conn, c| Ok(evidence::insert(conn, c.id, Side::Merchant, files, at.now)?),
    )
}

/// How a proposal is recorded in its event's `data`: `resolution|fen`.
pub fn proposal_data(p: &Proposal) -> String {
    format!("{}|{}", p.resolution.slug(), p.amount_fen.map(|f| f.to_string()).unwrap_or_default())
}

pub fn propose(
    conn: &mut DbConnection,
    who: MerchantActor,
    reference: &str,
    proposal: &Proposal,
    at: At<'_>,
) -> Result<(), ActError> {
    act(
        conn,
        at,
        |conn| merchants_complaint(conn, who, reference),
        |_| {
            Ok(Step {
                action: Action::Propose,
                actor: Actor::Merchant,
                actor_id: Some(who.user_id),
                kind: EventKind::Proposal,
                visibility: Visibility::Public,
                body: Some(&proposal.body),
                data: Some(proposal_data(proposal)),
            })
        },
        |conn, c| Ok(store::set_proposal(conn, c.id, proposal.resolution, proposal.amount_fen)?),
    )
}

crate::slug_enum! {
    /// What a consumer can do from the tracking page besides replying.
    pub enum Decision {
        Accept => "accept",
        Reject => "reject",
        Withdraw => "withdraw",
    }
}

impl Decision {
    /// The past tense, for "done" notices.
    pub fn done(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Reject => "rejected",
            Decision::Withdraw => "withdrawn",
        }
    }
}

/// The consumer's reply, with the evidence `files` recorded in the same
/// transaction.
pub fn consumer_reply(
    conn: &mut DbConnection,
    token: &str,
    body: &str,
    files: &[Stored],
    at: At<'_>,
) -> Result<(), ActError> {
    act(
        conn,
        at,
        |conn| consumers_complaint(conn, token),
        |_| {
            Ok(Step {
                action: Action::ConsumerReply,
                actor: Actor::Consumer,
                actor_id: None,
                kind: EventKind::ConsumerReply,
                visibility: Visibility::Public,
                body: Some(body),
                data: None,
            })
        },
        |conn, c| {
            // Scored like the description: a reply can flag the complaint.
            crate::service::risk::after_reply(conn, at.config, c, body, at.now)?;
            Ok(evidence::insert(conn, c.id, Side::Consumer, files, at.now)?)
        },
    )
}

/// The consumer's answer to a proposal, or withdrawing the complaint.
/// A rejection carries the consumer's reason (checked by
/// `domain::conversation::consumer_message`): it is the rejection event's
/// body, on the timeline for the merchant and the platform to read.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a> {
    Accept,
    Reject { reason: &'a str },
    Withdraw,
}

pub fn consumer_decide(conn: &mut DbConnection, token: &str, answer: Answer<'_>, at: At<'_>) -> Result<(), ActError> {
    let (action, kind, body) = match answer {
        Answer::Accept => (Action::Accept, EventKind::Accepted, None),
        Answer::Reject { reason } => (Action::Reject, EventKind::Rejected, Some(reason)),
        Answer::Withdraw => (Action::Withdraw, EventKind::Withdrawn, None),
    };
    act(
        conn,
        at,
        |conn| consumers_complaint(conn, token),
        |_| {
            Ok(Step {
                action,
                actor: Actor::Consumer,
                actor_id: None,
                kind,
                visibility: Visibility::Public,
                body,
                data: None,
            })
        },
        |_, _| Ok(()),
    )
}

/// The consumer asks the platform to intervene, with their reason (and
/// any evidence `files`, recorded in the same transaction).
pub fn ask_platform(
    conn: &mut DbConnection,
    token: &str,
    reason: &str,
    files: &[Stored],
    at: At<'_>,
) -> Result<(), ActError> {
    act(
        conn,
        at,
        |conn| consumers_complaint(conn, token),
        |c| {
            let mut progress = c.progress();
            progress.catch_up(at.policy().consumer_silence, at.now);
            if progress.state.is_open() && !progress.may_ask_platform(at.now) {
                return Err(ActError::NotYet);
            }
            Ok(Step {
                action: Action::Escalate(EscalationReason::ConsumerRequest),
                actor: Actor::Consumer,
                actor_id: None,
                kind: EventKind::Escalated,
                visibility: Visibility::Public,
                body: Some(reason),
                data: Some(EscalationReason::ConsumerRequest.slug().to_owned()),
            })
        },
        |conn, c| Ok(evidence::insert(conn, c.id, Side::Consumer, files, at.now)?),
    )
}

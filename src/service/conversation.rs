//! The conversation: merchant replies, notes and proposals; the consumer's
//! replies and decisions. Each action checks the state machine, stores the
//! new progress only if nobody moved the complaint meanwhile, and appends
//! its timeline event, in one transaction.

use chrono::{DateTime, Utc};

use crate::domain::conversation::{Proposal, Reply};
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::state::{Action, IllegalTransition};
use crate::store::DbConnection;
use crate::store::complaints::{self as store, Complaint, NewEvent};

#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error("no such complaint")]
    NotFound,
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    /// Someone else acted on the complaint between reading and writing.
    #[error("the complaint changed meanwhile")]
    Changed,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The staff member acting for a merchant.
#[derive(Debug, Clone, Copy)]
pub struct MerchantActor {
    pub merchant_id: i64,
    pub user_id: i64,
}

struct Step<'a> {
    action: Action,
    actor: Actor,
    actor_id: Option<i64>,
    kind: EventKind,
    visibility: Visibility,
    body: Option<&'a str>,
    data: Option<String>,
}

fn apply(conn: &mut DbConnection, c: &Complaint, step: Step<'_>, now: DateTime<Utc>) -> Result<(), ActError> {
    let before = c.progress();
    let after = before.apply(step.action, now)?;
    if !store::save_progress(conn, c.id, before.state, &after, now)? {
        return Err(ActError::Changed);
    }
    store::append_event(
        conn,
        NewEvent {
            complaint_id: c.id,
            at: now,
            actor: step.actor,
            actor_id: step.actor_id,
            kind: step.kind,
            visibility: step.visibility,
            body: step.body,
            data: step.data.as_deref(),
        },
    )?;
    Ok(())
}

fn merchants_complaint(conn: &mut DbConnection, who: MerchantActor, reference: &str) -> Result<Complaint, ActError> {
    store::find_for_merchant(conn, who.merchant_id, reference)?.ok_or(ActError::NotFound)
}

pub fn merchant_reply(
    conn: &mut DbConnection,
    who: MerchantActor,
    reference: &str,
    reply: &Reply,
    now: DateTime<Utc>,
) -> Result<(), ActError> {
    conn.write(|conn| {
        let c = merchants_complaint(conn, who, reference)?;
        let public = reply.visibility == Visibility::Public;
        let step = Step {
            action: Action::MerchantReply { public },
            actor: Actor::Merchant,
            actor_id: Some(who.user_id),
            kind: if public { EventKind::Reply } else { EventKind::Note },
            visibility: reply.visibility,
            body: Some(&reply.body),
            data: None,
        };
        apply(conn, &c, step, now)
    })
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
    now: DateTime<Utc>,
) -> Result<(), ActError> {
    conn.write(|conn| {
        let c = merchants_complaint(conn, who, reference)?;
        let step = Step {
            action: Action::Propose,
            actor: Actor::Merchant,
            actor_id: Some(who.user_id),
            kind: EventKind::Proposal,
            visibility: Visibility::Public,
            body: Some(&proposal.body),
            data: Some(proposal_data(proposal)),
        };
        apply(conn, &c, step, now)?;
        store::set_proposal(conn, c.id, proposal.resolution.slug(), proposal.amount_fen)?;
        Ok(())
    })
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

fn consumers_complaint(conn: &mut DbConnection, token: &str) -> Result<Complaint, ActError> {
    Ok(store::find_by_token(conn, token)?.ok_or(ActError::NotFound)?.0)
}

pub fn consumer_reply(conn: &mut DbConnection, token: &str, body: &str, now: DateTime<Utc>) -> Result<(), ActError> {
    conn.write(|conn| {
        let c = consumers_complaint(conn, token)?;
        let step = Step {
            action: Action::ConsumerReply,
            actor: Actor::Consumer,
            actor_id: None,
            kind: EventKind::ConsumerReply,
            visibility: Visibility::Public,
            body: Some(body),
            data: None,
        };
        apply(conn, &c, step, now)
    })
}

pub fn consumer_decide(
    conn: &mut DbConnection,
    token: &str,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<(), ActError> {
    let (action, kind) = match decision {
        Decision::Accept => (Action::Accept, EventKind::Accepted),
        Decision::Reject => (Action::Reject, EventKind::Rejected),
        Decision::Withdraw => (Action::Withdraw, EventKind::Withdrawn),
    };
    conn.write(|conn| {
        let c = consumers_complaint(conn, token)?;
        let step = Step {
            action,
            actor: Actor::Consumer,
            actor_id: None,
            kind,
            visibility: Visibility::Public,
            body: None,
            data: None,
        };
        apply(conn, &c, step, now)
    })
}

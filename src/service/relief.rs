//! Relief (issue 21): recorded when a complaint is resolved (the proposal
//! accepted, by the consumer or by silence) and at every ruling, with the
//! compensation the platform pays first from the merchant's deposit; then,
//! for money, followed up: after a few days the sweeper asks the consumer
//! whether it arrived, and their answer is kept — "no" brings the complaint
//! back to the platform (`relief_not_delivered`) and counts against the
//! merchant; silence is kept as unconfirmed, never as "yes".

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::relief::{Relief, ReliefKind, ReliefSource};
use crate::domain::state::{Action, EscalationReason};
use crate::service::catch_up::{ActError, At, Step, act};
use crate::service::notify;
use crate::service::offenders::Trigger;
use crate::store::DbConnection;
use crate::store::complaints::{self, Complaint, NewEvent};
use crate::store::reliefs::{self, NewRelief, ReliefRow};

/// Records what resolving `c` gave the consumer: the proposal's terms.
/// Call in the transaction that resolved it.
pub(crate) fn on_resolved(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    source: ReliefSource,
    resolved_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let relief = Relief::of_proposal(c.proposal_resolution, c.proposal_amount_fen, c.amount_fen);
    let new = NewRelief {
        complaint_id: c.id,
        merchant_id: c.merchant_id,
        relief,
        source,
        recorded_by: None,
        ask_at: relief.ask_at(resolved_at, config.relief_follow_up),
    };
    reliefs::insert(conn, new, now).map(drop)
}

/// Records a ruling's relief on `c` (closed by it in this transaction)
/// and pays the compensation in it first from the merchant's deposit.
pub(crate) fn on_ruling(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    relief: Relief,
    source: ReliefSource,
    by: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let new = NewRelief {
        complaint_id: c.id,
        merchant_id: c.merchant_id,
        relief,
        source,
        recorded_by: Some(by),
        ask_at: relief.ask_at(now, config.relief_follow_up),
    };
    reliefs::insert(conn, new, now)?;
    if let Some(fen) = relief.compensation_fen {
        crate::service::deposits::compensate(conn, config, c.merchant_id, c.id, fen, by, now)?;
    }
    Ok(())
}

/// How many questions one sweep asks at most (the rest wait for the next).
const BATCH: i64 = 500;

/// Asks each consumer whose monetary relief is due for its question
/// whether the money arrived (mail and SMS), once each. Returns how many
/// were asked.
pub fn ask_due(conn: &mut DbConnection, config: &Config, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    // Read first: most sweeps have nothing to ask, and take no write lock.
    let due = reliefs::due_to_ask(conn, now, BATCH)?;
    if due.is_empty() {
        return Ok(0);
    }
    conn.write(|conn| {
        let mut asked = 0;
        for row in due {
            if !reliefs::mark_asked(conn, row.id, now)? {
                continue;
            }
            // Answered before being asked (from the tracking page): no question.
            if row.received.is_none() {
                let c = complaints::find(conn, row.complaint_id)?;
                notify::relief_question(conn, config, &c, &row, now)?;
                asked += 1;
            }
        }
        Ok(asked)
    })
}

/// Why the consumer's answer was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ReliefError {
    #[error(transparent)]
    Act(#[from] ActError),
    /// No money to ask about, or it was answered already.
    #[error("nothing to answer")]
    Nothing,
    /// Not yet: the merchant has until the question's time to pay.
    #[error("not yet")]
    NotYet,
}

impl From<diesel::result::Error> for ReliefError {
    fn from(e: diesel::result::Error) -> Self {
        ReliefError::Act(ActError::Db(e))
    }
}

/// The relief a consumer may answer about now: the complaint's latest,
/// monetary, unanswered, and its question's time come.
pub fn answerable(row: Option<&ReliefRow>, now: DateTime<Utc>) -> Result<&ReliefRow, ReliefError> {
    let row = row.filter(|r| r.kind == ReliefKind::Monetary && r.received.is_none()).ok_or(ReliefError::Nothing)?;
    match row.ask_at {
        Some(at) if crate::store::from_db(at) <= now || row.asked_at.is_some() => Ok(row),
        _ => Err(ReliefError::NotYet),
    }
}

/// The consumer says whether the money arrived: "yes" is kept and put on
/// the timeline; "no" is kept and brings the complaint back to the
/// platform, the merchant and supervisors told, in one transaction.
pub fn answer(conn: &mut DbConnection, token: &str, received: bool, at: At<'_>) -> Result<(), ReliefError> {
    conn.write(|conn| {
        let (c, _) = complaints::find_by_token(conn, token)?.ok_or(ActError::NotFound)?;
        let latest = reliefs::latest(conn, c.id)?;
        let row = answerable(latest.as_ref(), at.now)?;
        if !reliefs::answer(conn, row.id, received, at.now)? {
            return Err(ReliefError::Nothing);
        }
        if received {
            let amount = row.amount_fen.map(|f| f.to_string());
            let event = NewEvent {
                complaint_id: c.id,
                merchant_id: c.merchant_id,
                at: at.now,
                actor: Actor::Consumer,
                actor_id: None,
                kind: EventKind::ReliefReceived,
                visibility: Visibility::Public,
                body: None,
                data: amount.as_deref(),
            };
            complaints::append_event(conn, event)?;
            return Ok(());
        }
        let reason = EscalationReason::ReliefNotDelivered;
        act(
            conn,
            at,
            |_| Ok(c.clone()),
            |_| {
                Ok(Step {
                    action: Action::Escalate(reason),
                    actor: Actor::Consumer,
                    actor_id: None,
                    kind: EventKind::Escalated,
                    visibility: Visibility::Public,
                    body: None,
                    data: Some(reason.slug().to_owned()),
                })
            },
            |_, _| Ok(()),
        )?;
        // A broken promise counts against the merchant as a breach does.
        let named = [crate::service::offenders::named(&c)];
        crate::service::offenders::after_all(conn, named, Trigger::Breach, at.config, at.now)?;
        Ok(())
    })
}

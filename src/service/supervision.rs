//! What supervisors do with an escalated complaint: hold it, let it go,
//! rule on it.

use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::relief::{Relief, ReliefSource, default_for};
use crate::domain::risk::RiskState;
use crate::domain::state::{Action, Outcome, State};
use crate::service::catch_up::{ActError, Advanced, At, Step, advance};
use crate::service::notify;
use crate::service::offenders::{self, Trigger};
use crate::store::{DbConnection, supervision};

/// A supervisor's action refused because another supervisor holds the
/// complaint.
#[derive(Debug, thiserror::Error)]
pub enum SuperviseError {
    #[error("held by {0}")]
    HeldBy(String),
    /// Only escalated and high-risk complaints are held.
    #[error("not escalated")]
    NotEscalated,
    /// The complaint is not flagged high-risk (any more).
    #[error("not flagged")]
    NotFlagged,
    #[error(transparent)]
    Act(#[from] ActError),
}

impl From<diesel::result::Error> for SuperviseError {
    fn from(e: diesel::result::Error) -> Self {
        SuperviseError::Act(ActError::Db(e))
    }
}

fn held_by_other(conn: &mut DbConnection, complaint_id: i64, user_id: i64) -> Result<(), SuperviseError> {
    match supervision::holder(conn, complaint_id)? {
        Some((holder, email)) if holder != user_id => Err(SuperviseError::HeldBy(email)),
        _ => Ok(()),
    }
}

/// Takes an escalated or high-risk complaint, unless someone else holds
/// it. (Taking a high-risk one changes nothing of the merchant's handling.)
pub fn claim(conn: &mut DbConnection, reference: &str, user_id: i64, at: At<'_>) -> Result<(), SuperviseError> {
    conn.write(|conn| {
        let (c, _) = supervision::find(conn, reference)?.ok_or(ActError::NotFound)?;
        held_by_other(conn, c.id, user_id)?;
        if c.state != State::Escalated && c.risk_state != Some(RiskState::High) {
            return Err(SuperviseError::NotEscalated);
        }
        if supervision::holder(conn, c.id)?.is_none() {
            supervision::claim(conn, c.id, user_id, at.now)?;
        }
        Ok(())
    })
}

/// Dismisses a complaint's high-risk flag with the supervisor's `reason`
/// (already checked): it leaves the high-risk part of the queue, its
/// handling and deadlines as they were; one that is not escalated is let
/// go of too.
pub fn dismiss_risk(
    conn: &mut DbConnection,
    reference: &str,
    user_id: i64,
    reason: &str,
    at: At<'_>,
) -> Result<(), SuperviseError> {
    conn.write(|conn| {
        let (c, _) = supervision::find(conn, reference)?.ok_or(ActError::NotFound)?;
        held_by_other(conn, c.id, user_id)?;
        if !crate::store::risk::dismiss(conn, c.id, reason, user_id, at.now)? {
            return Err(SuperviseError::NotFlagged);
        }
        // Held only for the flag: let go with it.
        if c.state != State::Escalated {
            supervision::release(conn, c.id)?;
        }
        Ok(())
    })
}

/// Lets go of a complaint this supervisor holds.
pub fn release(conn: &mut DbConnection, reference: &str, user_id: i64) -> Result<(), SuperviseError> {
    conn.write(|conn| {
        let (c, _) = supervision::find(conn, reference)?.ok_or(ActError::NotFound)?;
        held_by_other(conn, c.id, user_id)?;
        supervision::release(conn, c.id)?;
        Ok(())
    })
}

/// Rules on an escalated complaint: it is closed with the outcome, the
/// ruling's text goes on the timeline for consumer and merchant, and the
/// relief is recorded (the supervisor's, or what the outcome gives by
/// default), its compensation paid first from the merchant's deposit.
pub fn rule(
    conn: &mut DbConnection,
    reference: &str,
    user_id: i64,
    (outcome, relief): (Outcome, Option<Relief>),
    body: &str,
    at: At<'_>,
) -> Result<(), SuperviseError> {
    let advanced = conn.write(|conn| {
        let (c, _) = supervision::find(conn, reference)?.ok_or(ActError::NotFound)?;
        held_by_other(conn, c.id, user_id)?;
        let step = Step {
            action: Action::Rule(outcome),
            actor: Actor::Supervisor,
            actor_id: Some(user_id),
            kind: EventKind::Ruling,
            visibility: Visibility::Public,
            body: Some(body),
            data: Some(outcome.slug().to_owned()),
        };
        let advanced = advance(conn, &c, at, Some(step))?;
        if let Advanced::Done(_) = advanced {
            supervision::set_outcome(conn, c.id, outcome)?;
            supervision::release(conn, c.id)?;
            let relief = relief.unwrap_or_else(|| default_for(outcome, c.desired_resolution, c.amount_fen));
            crate::service::relief::on_ruling(conn, at.config, &c, relief, ReliefSource::Ruling, user_id, at.now)?;
            notify::ruling(conn, at.config, &c, outcome, body, &relief, at.now)?;
            offenders::after_all(conn, [offenders::named(&c)], Trigger::Ruling, at.config, at.now)?;
        }
        Ok::<_, SuperviseError>(advanced)
    })?;
    match advanced {
        Advanced::Done(_) => Ok(()),
        Advanced::Refused(_, e) => Err(ActError::Illegal(e).into()),
    }
}

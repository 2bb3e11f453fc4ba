//! Collective cases (集体投诉): a supervisor makes an incident a case, adds
//! complaints to it (by reference, order number or search) and takes them
//! out, and rules once for all of them — each complaint closed with the
//! ruling on its own timeline, each consumer told in their language and
//! channel, the merchant told once — or dismisses an incident that is no
//! case. One transaction each; the incident's state is changed only from
//! the state read, so two supervisors ruling at once rule once.

use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::incident::IncidentState;
use crate::domain::relief::{Relief, ReliefSource, default_for};
use crate::domain::state::{Action, Outcome};
use crate::service::catch_up::{ActError, Advanced, At, Step, advance};
use crate::service::notify;
use crate::service::offenders::{self, Trigger};
use crate::store::cases::{self as store, Closing};
use crate::store::complaints::{self, Complaint};
use crate::store::incidents::{self, IncidentRow};
use crate::store::{DbConnection, QueryError, supervision};

/// Why a change to a case was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("no such incident")]
    NotFound,
    /// Ruled or dismissed already (perhaps by someone else just now).
    #[error("the incident is closed")]
    Closed,
    /// No complaint has that reference.
    #[error("no complaint {0}")]
    NoComplaint(String),
    /// The complaint is another merchant's.
    #[error("complaint {0} is another merchant's")]
    OtherMerchant(String),
    /// The complaint is finished: nothing for a ruling to decide.
    #[error("complaint {0} is finished")]
    Finished(String),
    #[error("complaint {0} is in the case already")]
    Member(String),
    #[error("complaint {0} is not in the case")]
    NotMember(String),
    /// Nothing left to rule on: every complaint is finished or removed.
    #[error("nothing to rule on")]
    Empty,
    #[error(transparent)]
    Act(#[from] ActError),
}

impl From<diesel::result::Error> for CaseError {
    fn from(e: diesel::result::Error) -> Self {
        CaseError::Act(ActError::Db(e))
    }
}

/// The incident, if it is not closed.
fn unclosed(conn: &mut DbConnection, id: i64) -> Result<IncidentRow, CaseError> {
    let incident = incidents::find(conn, id)?.ok_or(CaseError::NotFound)?;
    if incident.state == IncidentState::Closed {
        return Err(CaseError::Closed);
    }
    Ok(incident)
}

/// The incident as a collective case: made one now if it is still open.
fn as_case(conn: &mut DbConnection, id: i64, by: i64, at: At<'_>) -> Result<IncidentRow, CaseError> {
    let incident = unclosed(conn, id)?;
    if incident.state == IncidentState::Open && !store::make_collective(conn, id, by, at.now)? {
        // Made a case or closed by someone else since we read it.
        return unclosed(conn, id);
    }
    Ok(incident)
}

/// Makes incident `id` a collective case (nothing to do when it is one).
pub fn make_collective(conn: &mut DbConnection, id: i64, by: i64, at: At<'_>) -> Result<(), CaseError> {
    conn.write(|conn| as_case(conn, id, by, at).map(drop))
}

/// Puts the complaints `references` (in the order given, each once) in
/// case `id`: each must be the case's merchant's and not finished. All or
/// none. Returns how many were added.
pub fn add(conn: &mut DbConnection, id: i64, references: &[String], by: i64, at: At<'_>) -> Result<usize, CaseError> {
    conn.write(|conn| {
        let case = as_case(conn, id, by, at)?;
        for reference in references {
            let (c, _) =
                supervision::find(conn, reference)?.ok_or_else(|| CaseError::NoComplaint(reference.clone()))?;
            if c.merchant_id != case.merchant_id {
                return Err(CaseError::OtherMerchant(reference.clone()));
            }
            if c.state.is_final() {
                return Err(CaseError::Finished(reference.clone()));
            }
            if store::holds(conn, id, c.id)? {
                return Err(CaseError::Member(reference.clone()));
            }
            incidents::add(conn, id, c.id, Some(by), at.now)?;
            store::count_by(conn, id, 1)?;
        }
        Ok(references.len())
    })
}

/// Takes complaint `reference` out of case `id`.
pub fn remove(conn: &mut DbConnection, id: i64, reference: &str, by: i64, at: At<'_>) -> Result<(), CaseError> {
    conn.write(|conn| {
        as_case(conn, id, by, at)?;
        let (c, _) = supervision::find(conn, reference)?.ok_or_else(|| CaseError::NoComplaint(reference.to_owned()))?;
        if !store::remove(conn, id, c.id)? {
            return Err(CaseError::NotMember(reference.to_owned()));
        }
        Ok::<_, CaseError>(store::count_by(conn, id, -1)?)
    })?;
    Ok(())
}

/// What a collective ruling did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ruled {
    /// The complaints it closed.
    pub closed: Vec<String>,
    /// Those finished before it (resolved, withdrawn, ruled alone): left
    /// as they were.
    pub finished: Vec<String>,
}

/// Rules once on every complaint of case `id` (an open incident is made a
/// case first): each one not finished is caught up with its deadlines and
/// closed with `outcome` and `body` on its own timeline, its consumer told
/// in their language and channel; the merchant is told once; the
/// merchant's record is looked at once. All or none.
pub fn rule(
    conn: &mut DbConnection,
    id: i64,
    (outcome, relief): (Outcome, Option<Relief>),
    body: &str,
    by: i64,
    at: At<'_>,
) -> Result<Ruled, CaseError> {
    conn.write(|conn| {
        let case = as_case(conn, id, by, at)?;
        // Closed first, from the state read: a second ruling at once finds
        // it closed and rolls back, having changed nothing.
        let closing = Closing::Ruled { outcome, ruling: body };
        if !store::close(conn, id, IncidentState::Collective, closing, by, at.now)? {
            return Err(CaseError::Closed);
        }
        let members = incidents::members(conn, id)?;
        let mut ruled = Ruled::default();
        let mut closed: Vec<(Complaint, Relief)> = Vec::new();
        for m in &members {
            let c = complaints::find(conn, m.complaint_id)?;
            if c.state.is_final() {
                ruled.finished.push(c.reference);
                continue;
            }
            let step = Step {
                action: Action::CaseRule(outcome),
                actor: Actor::Supervisor,
                actor_id: Some(by),
                kind: EventKind::Ruling,
                visibility: Visibility::Public,
                body: Some(body),
                data: Some(outcome.slug().to_owned()),
            };
            match advance(conn, &c, at, Some(step))? {
                Advanced::Done(_) => {
                    supervision::set_outcome(conn, c.id, outcome)?;
                    supervision::release(conn, c.id)?;
                    // Each consumer's relief: the case's, or what the
                    // outcome gives for what they asked.
                    let relief = relief.unwrap_or_else(|| default_for(outcome, c.desired_resolution, c.amount_fen));
                    crate::service::relief::on_ruling(conn, at.config, &c, relief, ReliefSource::Case, by, at.now)?;
                    ruled.closed.push(c.reference.clone());
                    closed.push((c, relief));
                }
                // Catching up finished it (silence took the proposal as
                // accepted): nothing left to rule.
                Advanced::Refused(..) => ruled.finished.push(c.reference),
            }
        }
        if closed.is_empty() {
            return Err(CaseError::Empty);
        }
        let others = closed.len() - 1;
        for (c, relief) in &closed {
            notify::case_ruling_to_consumer(conn, at.config, c, outcome, body, relief, others, at.now)?;
        }
        notify::case_ruling_to_merchant(conn, at.config, id, case.merchant_id, outcome, body, &ruled.closed, at.now)?;
        offenders::after_all(
            conn,
            closed.iter().map(|(c, _)| offenders::named(c)),
            Trigger::Ruling,
            at.config,
            at.now,
        )?;
        Ok(ruled)
    })
}

/// Closes incident `id` without a ruling, with the supervisor's `reason`:
/// its complaints go on as they were.
pub fn dismiss(conn: &mut DbConnection, id: i64, reason: &str, by: i64, at: At<'_>) -> Result<(), CaseError> {
    conn.write(|conn| {
        let incident = unclosed(conn, id)?;
        if !store::close(conn, id, incident.state, Closing::Dismissed { reason }, by, at.now)? {
            return Err(CaseError::Closed);
        }
        Ok(())
    })
}

/// What a complaint's pages say of the collective case it is in: the case
/// and how many other complaints it holds (never which).
pub fn of_complaint(conn: &mut DbConnection, complaint_id: i64) -> Result<Option<(i64, i32)>, QueryError> {
    Ok(store::case_of(conn, complaint_id)?.map(|(id, count)| (id, (count - 1).max(0))))
}

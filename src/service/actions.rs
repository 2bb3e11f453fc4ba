//! Actions against merchants and appeals against them, each decision with
//! its reason.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::action::{ActionKind, AppealDecision, AppealWindows, STARTING_POINTS};
use crate::domain::text;
use crate::service::notify;
use crate::service::webhooks::{self, Taken};
use crate::store::actions::{self, ActionRow};
use crate::store::{DbConnection, from_db, merchants};

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("not found")]
    NotFound,
    #[error("choose an action")]
    Kind,
    /// A deduction needs 1 to 100 points; other actions take none.
    #[error("points")]
    Points,
    #[error("a reason is required")]
    Reason,
    #[error("already ended")]
    Ended,
    #[error("only restrictions and suspensions are lifted")]
    NotLiftable,
    /// Not a type of the violation schedule.
    #[error("choose a violation type")]
    Violation,
    #[error("choose a level")]
    Level,
    /// Points, measure or days that are not valid.
    #[error("penalty: {0:?}")]
    Penalty(crate::domain::violation::PenaltyError),
    /// More points, a heavier measure or more days than the schedule's.
    #[error("heavier than the schedule")]
    Heavier,
    /// Lighter than the schedule, without a written reason.
    #[error("a reason for going lighter is required")]
    Mitigation,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

fn reason(raw: &str) -> Result<String, ActionError> {
    text::clean(raw, 2, 500, true).map_err(|_| ActionError::Reason)
}

/// Takes an action against a merchant, not under the violation schedule
/// (`service::violations::take` is); a deduction's points count at once
/// against the credit score.
#[allow(clippy::too_many_arguments)]
pub fn take(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    kind: &str,
    points: &str,
    why: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, ActionError> {
    let kind = ActionKind::from_slug(kind.trim())
        .filter(|k| k.target() == crate::domain::live::Target::Merchant)
        .ok_or(ActionError::Kind)?;
    let points: Option<i32> = match (kind, points.trim()) {
        (ActionKind::Deduction, p) => {
            Some(p.parse().ok().filter(|p| (1..=STARTING_POINTS).contains(p)).ok_or(ActionError::Points)?)
        }
        (_, "") => None,
        _ => return Err(ActionError::Points),
    };
    let why = reason(why)?;
    conn.write(|conn| {
        merchants::find(conn, merchant_id)?.ok_or(ActionError::NotFound)?;
        let id = actions::insert(conn, merchant_id, kind, points, &why, by, now)?;
        notify::action(conn, config, merchant_id, id, kind, points, &why, now)?;
        let taken = Taken { action_id: id, kind, target_id: None, points, reason: &why };
        webhooks::action_taken(conn, merchant_id, &taken, now)?;
        Ok(id)
    })
}

/// The action `action_id` taken against `merchant_id`, as it stands at
/// `now`: another merchant's action is none, as if it did not exist.
fn action_of(
    conn: &mut DbConnection,
    merchant_id: i64,
    action_id: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<ActionRow>> {
    Ok(actions::find(conn, action_id)?.filter(|a| a.merchant_id == merchant_id).map(|a| a.as_of(now)))
}

/// Lifts a restriction or suspension.
pub fn lift(
    conn: &mut DbConnection,
    merchant_id: i64,
    action_id: i64,
    why: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), ActionError> {
    let why = reason(why)?;
    conn.write(|conn| {
        let action = action_of(conn, merchant_id, action_id, now)?.ok_or(ActionError::NotFound)?;
        if !action.kind.is_ongoing() {
            return Err(ActionError::NotLiftable);
        }
        // A restriction whose days are over has ended, swept or not.
        if action.ended_at.is_some() || !actions::end(conn, action_id, by, &why, false, now)? {
            return Err(ActionError::Ended);
        }
        crate::service::review::after_end(conn, &action, by, &why, now)?;
        Ok(())
    })
}

/// Where a merchant stands on appealing one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppealStatus {
    /// May still start one, until this instant.
    CanStart {
        until: DateTime<Utc>,
    },
    /// The 5 days passed without an appeal.
    StartExpired {
        closed: DateTime<Utc>,
    },
    /// Started; the statement is due by this instant.
    CanSubmit {
        until: DateTime<Utc>,
    },
    /// Started, but nothing was submitted in the 3 days.
    SubmitExpired {
        closed: DateTime<Utc>,
    },
    /// Submitted; waiting for a supervisor.
    Submitted,
    Granted {
        reason: String,
    },
    Rejected {
        reason: String,
    },
    /// A reversed action, or one lifted or over without points, has
    /// nothing left to appeal.
    NotAppealable,
}

pub fn appeal_status(
    action: &ActionRow,
    appeal: Option<&actions::AppealRow>,
    windows: AppealWindows,
    now: DateTime<Utc>,
) -> AppealStatus {
    match appeal {
        None if action.reversed || (action.ended_at.is_some() && action.points.is_none()) => {
            AppealStatus::NotAppealable
        }
        None => {
            let until = windows.start_by(from_db(action.taken_at));
            if now <= until { AppealStatus::CanStart { until } } else { AppealStatus::StartExpired { closed: until } }
        }
        Some(a) => match (a.decision, a.submitted_at) {
            (Some(AppealDecision::Granted), _) => {
                AppealStatus::Granted { reason: a.decision_reason.clone().unwrap_or_default() }
            }
            (Some(AppealDecision::Rejected), _) => {
                AppealStatus::Rejected { reason: a.decision_reason.clone().unwrap_or_default() }
            }
            (None, Some(_)) => AppealStatus::Submitted,
            (None, None) => {
                let until = windows.submit_by(from_db(a.started_at));
                if now <= until {
                    AppealStatus::CanSubmit { until }
                } else {
                    AppealStatus::SubmitExpired { closed: until }
                }
            }
        },
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppealError {
    #[error("not found")]
    NotFound,
    /// Outside its window, already started, already submitted: the status
    /// says which.
    #[error("not now")]
    NotNow(AppealStatus),
    #[error("a statement is required")]
    Statement,
    #[error("decision")]
    Decision,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub fn start_appeal(
    conn: &mut DbConnection,
    merchant_id: i64,
    action_id: i64,
    by: i64,
    windows: AppealWindows,
    now: DateTime<Utc>,
) -> Result<(), AppealError> {
    conn.write(|conn| {
        let action = action_of(conn, merchant_id, action_id, now)?.ok_or(AppealError::NotFound)?;
        let appeal = actions::appeal_for(conn, action_id)?;
        match appeal_status(&action, appeal.as_ref(), windows, now) {
            AppealStatus::CanStart { .. } => Ok(actions::start_appeal(conn, &action, by, now)?),
            other => Err(AppealError::NotNow(other)),
        }
    })
}

/// The one submission: a statement and, optionally, a list of materials.
pub fn submit_appeal(
    conn: &mut DbConnection,
    merchant_id: i64,
    action_id: i64,
    statement: &str,
    materials: &str,
    windows: AppealWindows,
    now: DateTime<Utc>,
) -> Result<(), AppealError> {
    let statement = text::clean(statement, 10, 5000, true).map_err(|_| AppealError::Statement)?;
    let materials = match materials.trim() {
        "" => None,
        m => Some(text::clean(m, 1, 5000, true).map_err(|_| AppealError::Statement)?),
    };
    conn.write(|conn| {
        let action = action_of(conn, merchant_id, action_id, now)?.ok_or(AppealError::NotFound)?;
        let appeal = actions::appeal_for(conn, action_id)?;
        match (appeal_status(&action, appeal.as_ref(), windows, now), appeal) {
            (AppealStatus::CanSubmit { .. }, Some(a)) => {
                actions::submit_appeal(conn, a.id, &statement, materials.as_deref(), now)?;
                Ok(())
            }
            (other, _) => Err(AppealError::NotNow(other)),
        }
    })
}

/// The appeal `appeal_id` of `merchant_id`, submitted and waiting for a
/// decision, with the action it is against: looked up among that
/// merchant's appeals, so another merchant's is not found.
fn pending_appeal_of(
    conn: &mut DbConnection,
    merchant_id: i64,
    appeal_id: i64,
    now: DateTime<Utc>,
) -> Result<(actions::AppealRow, ActionRow), AppealError> {
    let appeal = actions::appeals_for_merchant(conn, merchant_id)?
        .into_iter()
        .find(|a| a.id == appeal_id && a.submitted_at.is_some() && a.decision.is_none())
        .ok_or(AppealError::NotFound)?;
    let action = action_of(conn, merchant_id, appeal.action_id, now)?.ok_or(AppealError::NotFound)?;
    Ok((appeal, action))
}

/// A supervisor grants (the action is reversed: its points no longer
/// count, against the score nor towards thresholds) or
/// rejects a submitted appeal, with reasons. The appeal is looked up
/// through its merchant: another merchant's appeal is not found.
#[allow(clippy::too_many_arguments)]
pub fn decide_appeal(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    appeal_id: i64,
    grant: Option<bool>,
    why: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppealError> {
    let grant = grant.ok_or(AppealError::Decision)?;
    let why = text::clean(why, 2, 2000, true).map_err(|_| AppealError::Statement)?;
    conn.write(|conn| {
        let (appeal, action) = pending_appeal_of(conn, merchant_id, appeal_id, now)?;
        let decision = if grant { AppealDecision::Granted } else { AppealDecision::Rejected };
        if !actions::decide_appeal(conn, appeal.id, decision, &why, by, now)? {
            return Err(AppealError::NotFound);
        }
        notify::appeal(conn, config, action.merchant_id, appeal.id, action.kind, grant, &why, now)?;
        if grant {
            // Lifted, or over, it is still reversed (its points stop
            // counting), once: the appeal was decided once.
            actions::reverse(conn, action.id, by, &why, now)?;
            // The product, room or host the action was on is back too.
            crate::service::review::after_end(conn, &action, by, &why, now)?;
        }
        Ok(())
    })
}

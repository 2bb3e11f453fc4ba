//! Catching a complaint up with its deadlines, then applying one step: the
//! machinery every action on a complaint shares (the conversation, the
//! supervisors' rulings, the sweeper). Lapses found on the way (a breach,
//! silence taken as acceptance, an escalation) are stored with their
//! timeline events and notices, in the caller's transaction, only if nobody
//! changed the complaint meanwhile; a breach may make the merchant a repeat
//! offender.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::Config;
use crate::domain::deadline::{DeadlineKind, DeadlinePolicy};
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::progress::Lapse;
use crate::domain::relief::ReliefSource;
use crate::domain::state::{Action, EscalationReason, IllegalTransition, State};
use crate::service::notify;
use crate::service::offenders::{self, Trigger};
use crate::store::DbConnection;
use crate::store::complaints::{self as store, Complaint, NewEvent};

/// Why an action on a complaint did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error("no such complaint")]
    NotFound,
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    /// Allowed by the state machine, but not yet (asking the platform
    /// before the merchant has had its 48 hours).
    #[error("not allowed yet")]
    NotYet,
    /// Someone else acted on the complaint between reading and writing.
    #[error("the complaint changed meanwhile")]
    Changed,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// When an action happens, and under which rules and settings.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub config: &'a Config,
    pub now: DateTime<Utc>,
}

impl At<'_> {
    pub fn policy(&self) -> &DeadlinePolicy {
        &self.config.policy
    }
}

/// One action and the timeline entry it leaves.
pub(crate) struct Step<'a> {
    pub action: Action,
    pub actor: Actor,
    pub actor_id: Option<i64>,
    pub kind: EventKind,
    pub visibility: Visibility,
    pub body: Option<&'a str>,
    pub data: Option<String>,
}

/// What `advance` did.
pub(crate) enum Advanced {
    Done(Vec<Lapse>),
    /// The catch-up (if any) was stored; the step was not allowed.
    Refused(Vec<Lapse>, IllegalTransition),
}

/// When a lapse happened, its kind of event and the event's data.
fn system_event(lapse: Lapse) -> (DateTime<Utc>, EventKind, Option<String>) {
    let rfc = |at: DateTime<Utc>| Some(at.to_rfc3339_opts(SecondsFormat::Secs, true));
    match lapse {
        Lapse::ResponseBreach { due } => (due, EventKind::ResponseBreach, rfc(due)),
        Lapse::ResolutionBreach { due } => (due, EventKind::ResolutionBreach, rfc(due)),
        // How and when the consumer was reached, which the timeline gives
        // as the reason: `sms|2026-11-20T10:00:00Z`.
        Lapse::SilenceAccepted { at, reached_at, by } => {
            (at, EventKind::SilenceAccepted, rfc(reached_at).map(|r| format!("{}|{r}", by.slug())))
        }
        Lapse::Escalated { reason, at } => (at, EventKind::Escalated, Some(reason.slug().to_owned())),
    }
}

/// Whether catching up recorded a breach (which may make the merchant a
/// repeat offender).
pub(crate) fn breached(lapses: &[Lapse]) -> bool {
    lapses.iter().any(|l| matches!(l, Lapse::ResponseBreach { .. } | Lapse::ResolutionBreach { .. }))
}

/// Notices about a deadline are sent only while they are news: a breach or
/// an escalation found long after it happened (the server was down, data
/// was imported) is recorded, not announced in a burst.
const NEWS: chrono::Duration = chrono::Duration::minutes(15);

fn lapse_notice(conn: &mut DbConnection, c: &Complaint, at: At<'_>, lapse: Lapse) -> diesel::QueryResult<()> {
    match lapse {
        Lapse::ResponseBreach { due } if at.now - due <= NEWS => {
            notify::breach(conn, at.config, c, DeadlineKind::Response, due, at.now)
        }
        Lapse::ResolutionBreach { due } if at.now - due <= NEWS => {
            notify::breach(conn, at.config, c, DeadlineKind::Resolution, due, at.now)
        }
        Lapse::Escalated { reason, at: when } if at.now - when <= NEWS => {
            notify::escalation(conn, at.config, c, reason, at.now)
        }
        _ => Ok(()),
    }
}

/// The notice an action sends, if any.
fn step_notice(
    conn: &mut DbConnection,
    c: &Complaint,
    at: At<'_>,
    s: &Step<'_>,
    event: i64,
) -> diesel::QueryResult<()> {
    let body = s.body.unwrap_or("");
    match s.kind {
        EventKind::Reply => notify::merchant_reply(conn, at.config, c, event, body, at.now),
        EventKind::Proposal => {
            let (resolution, fen) = s.data.as_deref().unwrap_or("").split_once('|').unwrap_or(("", ""));
            notify::proposal(conn, at.config, c, event, resolution, fen.parse().ok(), body, at.now)
        }
        EventKind::Escalated => {
            let reason = s.data.as_deref().and_then(EscalationReason::from_slug);
            notify::escalation(conn, at.config, c, reason.unwrap_or(EscalationReason::ConsumerRequest), at.now)
        }
        _ => Ok(()),
    }
}

/// Catches `c` up with its deadlines at `at.now`, then applies `step`;
/// stores what changed and appends the events. Call inside a write
/// transaction.
pub(crate) fn advance(
    conn: &mut DbConnection,
    c: &Complaint,
    at: At<'_>,
    step: Option<Step<'_>>,
) -> Result<Advanced, ActError> {
    let mut progress = c.progress();
    let lapses = progress.catch_up(at.policy().consumer_silence, at.now);
    let (after, refused) = match &step {
        Some(s) => match progress.apply(s.action, at.now) {
            Ok(next) => (next, None),
            Err(e) => (progress.clone(), Some(e)),
        },
        None => (progress.clone(), None),
    };
    let acted = step.is_some() && refused.is_none();
    if !lapses.is_empty() || acted {
        if !store::save_progress(conn, c, &after, at.now)? {
            return Err(ActError::Changed);
        }
        for lapse in &lapses {
            let (when, kind, data) = system_event(*lapse);
            let event = NewEvent {
                complaint_id: c.id,
                merchant_id: c.merchant_id,
                at: when,
                actor: Actor::System,
                actor_id: None,
                kind,
                visibility: Visibility::Public,
                body: None,
                data: data.as_deref(),
            };
            store::append_event_only(conn, event)?;
            lapse_notice(conn, c, at, *lapse)?;
        }
        if let (Some(s), true) = (&step, acted) {
            let event = NewEvent {
                complaint_id: c.id,
                merchant_id: c.merchant_id,
                at: at.now,
                actor: s.actor,
                actor_id: s.actor_id,
                kind: s.kind,
                visibility: s.visibility,
                body: s.body,
                data: s.data.as_deref(),
            };
            let id = store::append_event_only(conn, event)?;
            step_notice(conn, c, at, s, id)?;
        }
        // Resolved now (accepted, or by silence): what it gave the consumer.
        if c.state != State::Resolved
            && after.state == State::Resolved
            && let Some(resolved_at) = after.resolved_at
        {
            let silence = lapses.iter().any(|l| matches!(l, Lapse::SilenceAccepted { .. }));
            let source = if silence { ReliefSource::Silence } else { ReliefSource::Accepted };
            crate::service::relief::on_resolved(conn, at.config, c, source, resolved_at, at.now)?;
        }
    }
    Ok(match refused {
        Some(e) => Advanced::Refused(lapses, e),
        None => Advanced::Done(lapses),
    })
}

/// Runs `step` on the complaint `find` returns and, when it was allowed,
/// `then`; the catch-up is committed even when the step is refused, and a
/// breach it found may make the merchant a repeat offender.
pub(crate) fn act<'a>(
    conn: &mut DbConnection,
    at: At<'_>,
    find: impl FnOnce(&mut DbConnection) -> Result<Complaint, ActError>,
    step: impl FnOnce(&Complaint) -> Result<Step<'a>, ActError>,
    then: impl FnOnce(&mut DbConnection, &Complaint) -> Result<(), ActError>,
) -> Result<(), ActError> {
    let advanced = conn.write(|conn| {
        let c = find(conn)?;
        let step = step(&c)?;
        let advanced = advance(conn, &c, at, Some(step))?;
        if let Advanced::Done(_) = advanced {
            then(conn, &c)?;
        }
        let lapses = match &advanced {
            Advanced::Done(l) | Advanced::Refused(l, _) => l,
        };
        if breached(lapses) {
            offenders::after_all(conn, [offenders::named(&c)], Trigger::Breach, at.config, at.now)?;
        }
        Ok::<_, ActError>(advanced)
    })?;
    match advanced {
        Advanced::Done(_) => Ok(()),
        Advanced::Refused(_, e) => Err(ActError::Illegal(e)),
    }
}

//! What an action does to a complaint's clock: the state, when it was first
//! answered, proposed, resolved or ended, and which deadline the merchant
//! still has to meet. Pure; the service stores the result.

use chrono::{DateTime, Duration, Utc};

use super::contact::Reach;
use super::deadline::DeadlineFacts;
use super::state::{Action, EscalationReason, IllegalTransition, State};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub state: State,
    pub response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
    /// The first public reply (or proposal): meets the response deadline
    /// when in time, and is the first-response time either way.
    pub responded_at: Option<DateTime<Utc>>,
    /// When the proposal now or last on the table was made.
    pub proposed_at: Option<DateTime<Utc>>,
    /// When the resolution deadline was met: the time of a proposal made
    /// before it that the consumer then accepted.
    pub resolution_met_at: Option<DateTime<Utc>>,
    /// When the consumer accepted (explicitly or by silence).
    pub resolved_at: Option<DateTime<Utc>>,
    /// When the complaint first reached a final state: the merchant's
    /// deadlines end there, and stay ended when undelivered relief brings
    /// the complaint back to the platform.
    pub ended_at: Option<DateTime<Utc>>,
    /// Breaches, recorded once each with the deadline's due time.
    pub response_breached_at: Option<DateTime<Utc>>,
    pub resolution_breached_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub escalation_reason: Option<EscalationReason>,
    /// When the consumer last rejected a proposal.
    pub rejected_at: Option<DateTime<Utc>>,
    /// When, and how, the consumer was first reached with the proposal on
    /// the table: the silence rule runs from then, and never without it.
    pub proposal_reached_at: Option<DateTime<Utc>>,
    pub proposal_reached_by: Option<Reach>,
}

/// Something that fell due while nobody was looking, as `catch_up`
/// records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lapse {
    ResponseBreach {
        due: DateTime<Utc>,
    },
    ResolutionBreach {
        due: DateTime<Utc>,
    },
    /// The consumer left a proposal unanswered for the silence period
    /// after being reached with it (when, and how).
    SilenceAccepted {
        at: DateTime<Utc>,
        reached_at: DateTime<Utc>,
        by: Reach,
    },
    Escalated {
        reason: EscalationReason,
        at: DateTime<Utc>,
    },
}

impl Progress {
    /// A complaint's clock before anything happened to it, in `state`
    /// with its two deadlines.
    pub fn new(state: State, response_due: DateTime<Utc>, resolution_due: DateTime<Utc>) -> Progress {
        Progress {
            state,
            response_due,
            resolution_due,
            responded_at: None,
            proposed_at: None,
            resolution_met_at: None,
            resolved_at: None,
            ended_at: None,
            response_breached_at: None,
            resolution_breached_at: None,
            escalated_at: None,
            escalation_reason: None,
            rejected_at: None,
            proposal_reached_at: None,
            proposal_reached_by: None,
        }
    }

    pub fn apply(&self, action: Action, now: DateTime<Utc>) -> Result<Progress, IllegalTransition> {
        let mut next = self.clone();
        next.state = self.state.apply(action)?;
        match action {
            Action::MerchantReply { public: true } => {
                next.responded_at = self.responded_at.or(Some(now));
            }
            Action::Propose => {
                next.responded_at = self.responded_at.or(Some(now));
                next.proposed_at = Some(now);
                next.proposal_reached_at = None;
                next.proposal_reached_by = None;
            }
            Action::Accept | Action::SilenceAccept => {
                next.resolved_at = Some(now);
                next.resolution_met_at = self.proposed_at.filter(|at| *at <= self.resolution_due);
            }
            Action::Reject => next.rejected_at = Some(now),
            Action::Escalate(reason) => {
                next.escalated_at = Some(now);
                next.escalation_reason = Some(reason);
            }
            _ => {}
        }
        if next.state.is_final() {
            next.ended_at = self.ended_at.or(Some(now));
        }
        Ok(next)
    }

    pub fn response(&self) -> DeadlineFacts {
        DeadlineFacts {
            due: self.response_due,
            met_at: self.responded_at,
            ended_at: self.ended_at,
            awaiting_since: None,
        }
    }

    pub fn resolution(&self) -> DeadlineFacts {
        DeadlineFacts {
            due: self.resolution_due,
            met_at: self.resolution_met_at,
            ended_at: self.ended_at,
            awaiting_since: self.proposed_at.filter(|_| self.state == State::Proposed && self.reached_in_time()),
        }
    }

    /// A proposal waits for the consumer rather than breaching the
    /// resolution deadline only once the consumer was reached with it, and
    /// reached before that deadline: an undelivered proposal is no answer.
    fn reached_in_time(&self) -> bool {
        self.proposal_reached_at.is_some_and(|at| at <= self.resolution_due)
    }

    /// Records that the consumer was reached with the proposal on the
    /// table, the first time only; false when nothing changed (already
    /// reached, or no proposal waits).
    pub fn reach(&mut self, by: Reach, at: DateTime<Utc>) -> bool {
        if self.state != State::Proposed || self.proposal_reached_at.is_some() {
            return false;
        }
        self.proposal_reached_at = Some(at);
        self.proposal_reached_by = Some(by);
        true
    }

    /// By when the consumer must answer the proposal on the table before
    /// silence counts as acceptance: `None` until they were reached.
    pub fn answer_by(&self, silence: Duration) -> Option<DateTime<Utc>> {
        (self.state == State::Proposed).then_some(self.proposal_reached_at).flatten().map(|at| at + silence)
    }

    /// Brings the complaint up to `now`, as if someone had watched every
    /// deadline to the second: each deadline that passed unmet is recorded
    /// as breached at its due time, the first breach escalates an open
    /// complaint (once: a second breach does not escalate again), and a
    /// proposal left unanswered for `silence` is accepted at the moment the
    /// silence ran out. Returns what it did, in the order it happened;
    /// nothing when nothing fell due.
    pub fn catch_up(&mut self, silence: Duration, now: DateTime<Utc>) -> Vec<Lapse> {
        let mut lapses = Vec::new();
        loop {
            let response =
                (self.responded_at.is_none() && self.response_breached_at.is_none()).then_some((self.response_due, 0));
            let awaiting = self.resolution().awaiting_since.is_some_and(|at| at <= self.resolution_due);
            let resolution = (self.resolution_met_at.is_none() && self.resolution_breached_at.is_none() && !awaiting)
                .then_some((self.resolution_due, 2));
            let accept = self.answer_by(silence).map(|at| (at, 1));
            // The earliest of what is due, response before silence before
            // resolution when they fall on the same instant.
            let Some((at, which)) =
                [response, accept, resolution].into_iter().flatten().filter(|(at, _)| *at < now).min()
            else {
                return lapses;
            };
            if self.handled() {
                return lapses;
            }
            match which {
                1 => {
                    let reached = self.proposal_reached_at.zip(self.proposal_reached_by);
                    if let (Ok(next), Some((reached_at, by))) = (self.apply(Action::SilenceAccept, at), reached) {
                        *self = next;
                        lapses.push(Lapse::SilenceAccepted { at, reached_at, by });
                    }
                }
                _ => {
                    let reason = if which == 0 {
                        self.response_breached_at = Some(at);
                        lapses.push(Lapse::ResponseBreach { due: at });
                        EscalationReason::ResponseBreach
                    } else {
                        self.resolution_breached_at = Some(at);
                        lapses.push(Lapse::ResolutionBreach { due: at });
                        EscalationReason::ResolutionBreach
                    };
                    if let Ok(next) = self.apply(Action::Escalate(reason), at) {
                        *self = next;
                        lapses.push(Lapse::Escalated { reason, at });
                    }
                }
            }
        }
    }

    /// The merchant's handling is over: the complaint is final, or was and
    /// came back to the platform (its deadlines no longer run).
    pub fn handled(&self) -> bool {
        self.state.is_final() || self.ended_at.is_some()
    }

    /// The consumer may ask the platform to intervene once the response
    /// deadline has passed without a reply, or after rejecting a proposal.
    pub fn may_ask_platform(&self, now: DateTime<Utc>) -> bool {
        self.state.is_open()
            && ((self.responded_at.is_none() && now > self.response_due)
                || (self.state == State::Responded && self.rejected_at.is_some()))
    }

    /// The earliest deadline the merchant still has to meet; `None` when
    /// nothing is due from the merchant (a final state, or a proposal made
    /// in time that waits for the consumer).
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        if self.handled() {
            return None;
        }
        [self.response(), self.resolution()]
            .into_iter()
            .filter(|f| f.met_at.is_none() && f.awaiting_since.is_none_or(|at| at > f.due))
            .map(|f| f.due)
            .min()
    }
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;

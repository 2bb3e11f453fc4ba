//! The 48-hour response and 7-day resolution deadlines, and how each stands
//! at a given instant. Evaluated on every read, so no page shows a passed
//! deadline as on time even when the sweeper lags.

use chrono::{DateTime, Duration, Utc};

crate::slug_enum! {
    #[catalog("deadline.")]
    pub enum DeadlineKind {
        Response => "response",
        Resolution => "resolution",
    }
}

/// The configurable rules of DESIGN.md: how long the merchant has, how
/// long the consumer's silence counts as acceptance, and when a merchant
/// is flagged as a repeat offender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlinePolicy {
    pub response: Duration,
    pub resolution: Duration,
    /// How long a proposal may go unanswered before it counts as accepted.
    pub consumer_silence: Duration,
    pub flags: super::offender::FlagThresholds,
    /// A complaint whose risk score reaches this is flagged for the
    /// supervisors at once (`REDRESS_RISK_THRESHOLD`).
    pub risk_threshold: i32,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        DeadlinePolicy {
            response: Duration::hours(48),
            resolution: Duration::days(7),
            consumer_silence: Duration::hours(72),
            flags: super::offender::FlagThresholds::default(),
            risk_threshold: super::risk::DEFAULT_THRESHOLD,
        }
    }
}

impl DeadlinePolicy {
    pub fn response_due(&self, submitted_at: DateTime<Utc>) -> DateTime<Utc> {
        submitted_at + self.response
    }

    pub fn resolution_due(&self, submitted_at: DateTime<Utc>) -> DateTime<Utc> {
        submitted_at + self.resolution
    }
}

/// Where one deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineStatus {
    /// Running; this much time is left.
    Pending { left: Duration },
    /// Met in time, at this instant.
    Met { at: DateTime<Utc> },
    /// Passed unmet, by this much (frozen once the complaint ended).
    Overdue { by: Duration },
    /// A timely proposal waits for the consumer's answer: the merchant did
    /// its part in time, so the deadline is neither met nor overdue yet.
    AwaitingConsumer,
    /// The complaint ended (withdrawn, or ruled on) before the deadline.
    Stopped,
}

/// What is known about one deadline of one complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineFacts {
    pub due: DateTime<Utc>,
    /// When the deadline's condition was fulfilled, in time or not.
    pub met_at: Option<DateTime<Utc>>,
    /// When the complaint ended (closed or withdrawn), if it has.
    pub ended_at: Option<DateTime<Utc>>,
    /// When the proposal now awaiting the consumer was made, if one is.
    pub awaiting_since: Option<DateTime<Utc>>,
}

impl DeadlineFacts {
    pub fn status(&self, now: DateTime<Utc>) -> DeadlineStatus {
        if let Some(at) = self.met_at.filter(|at| *at <= self.due) {
            return DeadlineStatus::Met { at };
        }
        if self.awaiting_since.is_some_and(|at| at <= self.due) {
            return DeadlineStatus::AwaitingConsumer;
        }
        let end = [self.met_at, self.ended_at, Some(now)].into_iter().flatten().min().unwrap_or(now);
        if end > self.due {
            DeadlineStatus::Overdue { by: end - self.due }
        } else if self.ended_at.is_some() {
            DeadlineStatus::Stopped
        } else {
            DeadlineStatus::Pending { left: self.due - now }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc) + Duration::hours(h)
    }

    fn facts(due: i64) -> DeadlineFacts {
        DeadlineFacts { due: t(due), met_at: None, ended_at: None, awaiting_since: None }
    }

    #[test]
    fn policy_defaults_are_48h_and_7_days() {
        let p = DeadlinePolicy::default();
        assert_eq!(p.response_due(t(0)), t(48));
        assert_eq!(p.resolution_due(t(0)), t(168));
    }

    #[test]
    fn pending_then_overdue_to_the_minute() {
        let f = facts(48);
        assert_eq!(f.status(t(0)), DeadlineStatus::Pending { left: Duration::hours(48) });
        assert_eq!(f.status(t(48)), DeadlineStatus::Pending { left: Duration::zero() });
        assert_eq!(f.status(t(48) + Duration::minutes(1)), DeadlineStatus::Overdue { by: Duration::minutes(1) });
    }

    #[test]
    fn met_in_time_stays_met_late_stays_overdue() {
        let on_time = DeadlineFacts { met_at: Some(t(47)), ..facts(48) };
        assert_eq!(on_time.status(t(500)), DeadlineStatus::Met { at: t(47) });
        let late = DeadlineFacts { met_at: Some(t(50)), ..facts(48) };
        assert_eq!(late.status(t(500)), DeadlineStatus::Overdue { by: Duration::hours(2) });
    }

    #[test]
    fn ending_stops_or_freezes_the_clock() {
        let withdrawn_early = DeadlineFacts { ended_at: Some(t(10)), ..facts(48) };
        assert_eq!(withdrawn_early.status(t(100)), DeadlineStatus::Stopped);
        let closed_late = DeadlineFacts { ended_at: Some(t(60)), ..facts(48) };
        assert_eq!(closed_late.status(t(100)), DeadlineStatus::Overdue { by: Duration::hours(12) });
    }

    #[test]
    fn a_timely_proposal_waits_for_the_consumer() {
        let f = DeadlineFacts { awaiting_since: Some(t(160)), ..facts(168) };
        assert_eq!(f.status(t(200)), DeadlineStatus::AwaitingConsumer);
        let late = DeadlineFacts { awaiting_since: Some(t(170)), ..facts(168) };
        assert_eq!(late.status(t(200)), DeadlineStatus::Overdue { by: Duration::hours(32) });
    }

    proptest! {
        /// Once the due time has passed without the deadline being met, no
        /// later instant ever shows it as pending or met.
        #[test]
        fn never_on_time_after_the_due_time(due in 0i64..500, late in 1i64..10_000, met in proptest::option::of(0i64..1000)) {
            let f = DeadlineFacts { met_at: met.map(t), ..facts(due) };
            let now = t(due) + Duration::minutes(late);
            match f.status(now) {
                DeadlineStatus::Met { at } => prop_assert!(at <= f.due),
                DeadlineStatus::Overdue { by } => prop_assert!(by > Duration::zero()),
                other => prop_assert!(false, "{other:?} after the due time"),
            }
        }
    }
}

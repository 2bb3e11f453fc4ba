//! Tests of `Progress`: what actions and catching up do to the clock.

use super::*;
use crate::domain::contact::Reach;
use crate::domain::deadline::DeadlineStatus;
use crate::domain::state::{EscalationReason, Outcome};
use chrono::Duration;
use proptest::prelude::*;

fn t(h: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc) + Duration::hours(h)
}

fn fresh() -> Progress {
    Progress::new(State::Submitted, t(48), t(168))
}

#[test]
fn the_first_public_reply_meets_the_response_deadline_once() {
    let p = fresh();
    assert_eq!(p.next_due(), Some(t(48)));
    let note = p.apply(Action::MerchantReply { public: false }, t(1)).unwrap();
    assert_eq!(note.responded_at, None, "an internal note does not count");
    let replied = p.apply(Action::MerchantReply { public: true }, t(5)).unwrap();
    assert_eq!(replied.state, State::Responded);
    assert_eq!(replied.responded_at, Some(t(5)));
    assert_eq!(replied.response().status(t(100)), DeadlineStatus::Met { at: t(5) });
    assert_eq!(replied.next_due(), Some(t(168)));
    let again = replied.apply(Action::MerchantReply { public: true }, t(9)).unwrap();
    assert_eq!(again.responded_at, Some(t(5)), "the first response time is kept");
}

#[test]
fn a_timely_proposal_accepted_late_still_meets_the_resolution_deadline() {
    let mut proposed = fresh().apply(Action::Propose, t(160)).unwrap();
    assert_eq!(proposed.responded_at, Some(t(160)), "a proposal is a response");
    assert_eq!(
        proposed.response().status(t(170)),
        DeadlineStatus::Overdue { by: Duration::hours(112) },
        "but a late one: the response deadline stays breached"
    );
    assert_eq!(proposed.next_due(), Some(t(168)), "until the consumer has the proposal, the deadline stands");
    assert!(proposed.reach(Reach::Mail, t(160)));
    assert_eq!(proposed.next_due(), None, "answered late is still answered");
    let replied = fresh().apply(Action::MerchantReply { public: true }, t(2)).unwrap();
    let mut proposed = replied.apply(Action::Propose, t(160)).unwrap();
    assert!(proposed.reach(Reach::Sms, t(161)));
    assert_eq!(proposed.next_due(), None, "nothing is due from the merchant while the consumer decides");
    let resolved = proposed.apply(Action::Accept, t(200)).unwrap();
    assert_eq!(resolved.resolution_met_at, Some(t(160)));
    assert_eq!(resolved.resolved_at, Some(t(200)));
    assert_eq!(resolved.ended_at, Some(t(200)));
    assert_eq!(resolved.resolution().status(t(300)), DeadlineStatus::Met { at: t(160) });
}

#[test]
fn a_late_proposal_accepted_is_resolved_but_not_in_time() {
    let replied = fresh().apply(Action::MerchantReply { public: true }, t(2)).unwrap();
    let resolved = replied.apply(Action::Propose, t(170)).unwrap().apply(Action::Accept, t(171)).unwrap();
    assert_eq!(resolved.resolution_met_at, None);
    assert_eq!(resolved.resolution().status(t(500)), DeadlineStatus::Overdue { by: Duration::hours(3) });
}

#[test]
fn rejecting_puts_the_resolution_deadline_back_on_the_merchant() {
    let replied = fresh().apply(Action::MerchantReply { public: true }, t(2)).unwrap();
    let rejected = replied.apply(Action::Propose, t(10)).unwrap().apply(Action::Reject, t(11)).unwrap();
    assert_eq!(rejected.state, State::Responded);
    assert_eq!(rejected.next_due(), Some(t(168)));
}

fn second() -> Duration {
    Duration::seconds(1)
}

#[test]
fn an_unanswered_complaint_is_breached_and_escalated_once_at_48_hours() {
    let mut p = fresh();
    assert!(p.catch_up(Duration::hours(72), t(48)).is_empty(), "not before the due time has passed");
    let lapses = p.catch_up(Duration::hours(72), t(48) + second());
    assert_eq!(
        lapses,
        [
            Lapse::ResponseBreach { due: t(48) },
            Lapse::Escalated { reason: EscalationReason::ResponseBreach, at: t(48) }
        ]
    );
    assert_eq!(p.state, State::Escalated);
    assert!(p.catch_up(Duration::hours(72), t(60)).is_empty(), "recorded once");
}

#[test]
fn answered_at_47_59_is_not_breached() {
    let mut p = fresh().apply(Action::MerchantReply { public: true }, t(48) - Duration::minutes(1)).unwrap();
    assert!(p.catch_up(Duration::hours(72), t(60)).is_empty());
    assert_eq!(p.response_breached_at, None);
}

#[test]
fn the_seven_day_breach_escalates_an_answered_complaint() {
    let mut p = fresh().apply(Action::MerchantReply { public: true }, t(5)).unwrap();
    let lapses = p.catch_up(Duration::hours(72), t(170));
    assert_eq!(
        lapses,
        [
            Lapse::ResolutionBreach { due: t(168) },
            Lapse::Escalated { reason: EscalationReason::ResolutionBreach, at: t(168) }
        ]
    );
}

#[test]
fn after_downtime_every_breach_is_recorded_but_escalated_once() {
    let mut p = fresh();
    let lapses = p.catch_up(Duration::hours(72), t(500));
    assert_eq!(
        lapses,
        [
            Lapse::ResponseBreach { due: t(48) },
            Lapse::Escalated { reason: EscalationReason::ResponseBreach, at: t(48) },
            Lapse::ResolutionBreach { due: t(168) },
        ]
    );
    assert_eq!((p.response_breached_at, p.resolution_breached_at), (Some(t(48)), Some(t(168))));
}

#[test]
fn silence_for_72_hours_after_the_consumer_was_reached_accepts_a_proposal() {
    let mut p = fresh().apply(Action::MerchantReply { public: true }, t(5)).unwrap();
    p = p.apply(Action::Propose, t(10)).unwrap();
    assert_eq!(p.answer_by(Duration::hours(72)), None, "nobody was reached yet");
    assert!(p.reach(Reach::Sms, t(12)));
    assert!(!p.reach(Reach::Mail, t(13)), "the first delivery starts the clock, once");
    assert_eq!(p.answer_by(Duration::hours(72)), Some(t(84)));
    assert!(p.catch_up(Duration::hours(72), t(84)).is_empty(), "72 hours exactly is not yet");
    assert_eq!(
        p.catch_up(Duration::hours(72), t(300)),
        [Lapse::SilenceAccepted { at: t(84), reached_at: t(12), by: Reach::Sms }]
    );
    assert_eq!(p.state, State::Resolved);
    assert_eq!(p.resolved_at, Some(t(84)));
    assert_eq!(p.resolution_met_at, Some(t(10)));
}

#[test]
fn a_proposal_that_never_reached_the_consumer_is_never_accepted_for_them() {
    let mut p = fresh().apply(Action::Propose, t(10)).unwrap();
    assert_eq!(p.next_due(), Some(t(168)), "an undelivered proposal is no answer: the deadline stands");
    let lapses = p.catch_up(Duration::hours(72), t(1000));
    assert_eq!(
        lapses,
        [
            Lapse::ResolutionBreach { due: t(168) },
            Lapse::Escalated { reason: EscalationReason::ResolutionBreach, at: t(168) },
        ]
    );
    assert_eq!((p.state, p.resolved_at), (State::Escalated, None));
}

#[test]
fn a_proposal_reached_only_after_the_resolution_deadline_does_not_hold_it_off() {
    let mut p = fresh().apply(Action::Propose, t(160)).unwrap();
    assert!(p.reach(Reach::Mail, t(170)));
    assert_eq!(p.catch_up(Duration::hours(72), t(171))[0], Lapse::ResolutionBreach { due: t(168) });
    assert_eq!(p.state, State::Escalated);
}

#[test]
fn a_proposal_reached_in_time_waits_for_the_consumer_past_the_deadline() {
    let mut p = fresh().apply(Action::Propose, t(160)).unwrap();
    assert!(p.reach(Reach::View, t(161)));
    assert_eq!(p.next_due(), None, "nothing is due from the merchant");
    assert_eq!(
        p.catch_up(Duration::hours(72), t(300)),
        [Lapse::SilenceAccepted { at: t(233), reached_at: t(161), by: Reach::View }]
    );
    assert_eq!(p.resolution_met_at, Some(t(160)));
}

#[test]
fn a_new_proposal_needs_reaching_again() {
    let mut p = fresh().apply(Action::Propose, t(10)).unwrap();
    assert!(p.reach(Reach::Sms, t(11)));
    p = p.apply(Action::Reject, t(20)).unwrap();
    assert!(!p.reach(Reach::Sms, t(21)), "nothing waits for the consumer");
    p = p.apply(Action::Propose, t(30)).unwrap();
    assert_eq!((p.proposal_reached_at, p.answer_by(Duration::hours(72))), (None, None));
}

#[test]
fn the_consumer_may_ask_the_platform_after_a_rejection_or_a_silent_merchant() {
    let p = fresh();
    assert!(!p.may_ask_platform(t(47)));
    assert!(p.may_ask_platform(t(49)));
    let replied = p.apply(Action::MerchantReply { public: true }, t(1)).unwrap();
    assert!(!replied.may_ask_platform(t(49)));
    let rejected = replied.apply(Action::Propose, t(2)).unwrap().apply(Action::Reject, t(3)).unwrap();
    assert!(rejected.may_ask_platform(t(4)));
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        any::<bool>().prop_map(|public| Action::MerchantReply { public }),
        Just(Action::ConsumerReply),
        Just(Action::Propose),
        Just(Action::Accept),
        Just(Action::Reject),
        Just(Action::Withdraw),
        Just(Action::Escalate(EscalationReason::ConsumerRequest)),
        Just(Action::Rule(Outcome::Upheld)),
        Just(Action::CaseRule(Outcome::NotUpheld)),
    ]
}

proptest! {
    /// Whatever happens, in whatever order and at whatever times: times
    /// only ever get recorded once and in order, a met deadline was met
    /// in time, and a final complaint has nothing due.
    #[test]
    fn histories_keep_the_clock_consistent(steps in prop::collection::vec((action(), 0i64..30), 0..30)) {
        let mut p = fresh();
        let mut now = t(0);
        for (a, gap) in steps {
            now += Duration::hours(gap);
            let Ok(next) = p.apply(a, now) else { continue };
            if let Some(at) = p.responded_at { prop_assert_eq!(next.responded_at, Some(at)); }
            if let Some(at) = next.resolution_met_at { prop_assert!(at <= next.resolution_due); }
            if next.state.is_final() { prop_assert!(next.next_due().is_none() && next.ended_at.is_some()); }
            else { prop_assert!(next.ended_at.is_none()); }
            if let Some(due) = next.next_due() { prop_assert!(due == next.response_due || due == next.resolution_due); }
            p = next;
        }
    }
}

proptest! {
    /// Catching up in steps ends where catching up once does: the
    /// sweeper may run every 30 s or once after a day of downtime, and
    /// the record is the same.
    #[test]
    fn catching_up_is_the_same_however_often_it_runs(
        steps in prop::collection::vec((action(), 0i64..60), 0..8),
        checks in prop::collection::vec(0i64..400, 0..6),
        end in 0i64..600,
    ) {
        let mut p = fresh();
        let mut now = t(0);
        for (a, gap) in steps {
            now += Duration::hours(gap);
            p.catch_up(Duration::hours(72), now);
            if let Ok(next) = p.apply(a, now) { p = next; }
        }
        let end = now + Duration::hours(end);
        let mut once = p.clone();
        once.catch_up(Duration::hours(72), end);
        let mut stepwise = p.clone();
        let mut checks: Vec<_> = checks.into_iter().map(|h| now + Duration::hours(h)).filter(|c| *c <= end).collect();
        checks.sort();
        for c in checks {
            stepwise.catch_up(Duration::hours(72), c);
        }
        stepwise.catch_up(Duration::hours(72), end);
        prop_assert_eq!(&stepwise, &once);
        prop_assert!(once.clone().catch_up(Duration::hours(72), end).is_empty(), "idempotent");
    }
}

#[test]
fn undelivered_relief_reopens_for_the_platform_without_restarting_the_merchants_deadlines() {
    // Closed by a collective ruling a day in, before anyone replied.
    let closed = fresh().apply(Action::CaseRule(Outcome::Upheld), t(24)).unwrap();
    assert_eq!((closed.state, closed.ended_at), (State::Closed, Some(t(24))));
    let undelivered = Action::Escalate(EscalationReason::ReliefNotDelivered);
    let mut reopened = closed.apply(undelivered, t(200)).unwrap();
    assert_eq!(reopened.state, State::Escalated);
    assert_eq!(reopened.escalation_reason, Some(EscalationReason::ReliefNotDelivered));
    assert_eq!(reopened.ended_at, Some(t(24)), "the merchant's handling ended when it was closed");
    assert!(reopened.handled() && reopened.next_due().is_none());
    assert!(reopened.catch_up(Duration::hours(72), t(400)).is_empty(), "no breach of a deadline that had ended");
    assert_eq!(reopened.response_breached_at, None);
    // Ruled again: closed, its end kept where it was.
    let again = reopened.apply(Action::Rule(Outcome::Upheld), t(210)).unwrap();
    assert_eq!((again.state, again.ended_at), (State::Closed, Some(t(24))));
    assert!(fresh().apply(undelivered, t(1)).is_err(), "only what ended can come back");
}

//! The complaint state machine of DESIGN.md. Every transition goes through
//! [`State::apply`]; anything else is a typed [`IllegalTransition`].
//!
//! ```text
//! submitted ──first public reply──▶ responded ──proposal──▶ proposed
//!                                       ▲                      │
//!                                       └──consumer rejects────┤
//! proposed ──consumer accepts, or 72 h of silence──▶ resolved
//! any open state ──deadline breach, or consumer asks──▶ escalated
//! escalated ──supervisor ruling──▶ closed
//! any state before resolved ──consumer withdraws──▶ withdrawn
//! resolved, closed ──the money never arrived (relief_not_delivered)──▶ escalated
//! ```

crate::slug_enum! {
    #[catalog("state.")]
    pub enum State {
        Submitted => "submitted",
        Responded => "responded",
        Proposed => "proposed",
        Resolved => "resolved",
        Escalated => "escalated",
        Closed => "closed",
        Withdrawn => "withdrawn",
    }
}

crate::slug_enum! {
    #[catalog("outcome.")]
    /// A supervisor's ruling on an escalated complaint.
    pub enum Outcome {
        Upheld => "upheld",
        PartlyUpheld => "partly_upheld",
        NotUpheld => "not_upheld",
    }
}

crate::slug_enum! {
    #[catalog("reason.")]
    /// Why a complaint was escalated to the platform.
    pub enum EscalationReason {
        ResponseBreach => "response_breach",
        ResolutionBreach => "resolution_breach",
        ConsumerRequest => "consumer_request",
        /// The consumer says the money of a resolution or ruling never
        /// arrived: the complaint comes back to the platform.
        ReliefNotDelivered => "relief_not_delivered",
    }
}

/// Something that happens to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A merchant's reply; only a public one counts as the first response.
    MerchantReply {
        public: bool,
    },
    ConsumerReply,
    /// A merchant proposes a resolution (a public message in itself).
    Propose,
    Accept,
    /// The consumer left a proposal unanswered for the silence period.
    SilenceAccept,
    Reject,
    Escalate(EscalationReason),
    Rule(Outcome),
    /// A collective case's ruling (集体投诉): the platform rules on every
    /// complaint of the case at once, wherever each stands, as long as it
    /// is not finished.
    CaseRule(Outcome),
    Withdraw,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::MerchantReply { public: true } => "reply",
            Action::MerchantReply { public: false } => "note",
            Action::ConsumerReply => "consumer_reply",
            Action::Propose => "propose",
            Action::Accept => "accept",
            Action::SilenceAccept => "silence_accept",
            Action::Reject => "reject",
            Action::Escalate(_) => "escalate",
            Action::Rule(_) => "rule",
            Action::CaseRule(_) => "case_rule",
            Action::Withdraw => "withdraw",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} a complaint that is {from}", action.name())]
pub struct IllegalTransition {
    pub from: State,
    pub action: Action,
}

impl State {
    /// Waiting on the merchant or the consumer, deadlines running.
    pub fn is_open(self) -> bool {
        matches!(self, State::Submitted | State::Responded | State::Proposed)
    }

    /// Nothing more can happen to the complaint's state.
    pub fn is_final(self) -> bool {
        matches!(self, State::Resolved | State::Closed | State::Withdrawn)
    }

    pub fn apply(self, action: Action) -> Result<State, IllegalTransition> {
        use State::*;
        let next = match (self, action) {
            (Submitted, Action::MerchantReply { public: true }) => Some(Responded),
            (Submitted | Responded | Proposed | Escalated, Action::MerchantReply { .. }) => Some(self),
            (Submitted | Responded | Proposed | Escalated, Action::ConsumerReply) => Some(self),
            (Submitted | Responded, Action::Propose) => Some(Proposed),
            (Proposed, Action::Accept | Action::SilenceAccept) => Some(Resolved),
            (Proposed, Action::Reject) => Some(Responded),
            (Submitted | Responded | Proposed, Action::Escalate(r)) if r != EscalationReason::ReliefNotDelivered => {
                Some(Escalated)
            }
            // Resolved or ruled on, but the money never came: the platform
            // takes it up again (the one way out of a final state).
            (Resolved | Closed, Action::Escalate(EscalationReason::ReliefNotDelivered)) => Some(Escalated),
            (Escalated, Action::Rule(_)) => Some(Closed),
            (Submitted | Responded | Proposed | Escalated, Action::CaseRule(_)) => Some(Closed),
            (Submitted | Responded | Proposed | Escalated, Action::Withdraw) => Some(Withdrawn),
            _ => None,
        };
        next.ok_or(IllegalTransition { from: self, action })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::*;
    use proptest::prelude::*;

    #[test]
    fn the_happy_path() {
        let s = Submitted.apply(Action::MerchantReply { public: true }).unwrap();
        assert_eq!(s, Responded);
        let s = s.apply(Action::Propose).unwrap();
        assert_eq!(s, Proposed);
        assert_eq!(s.apply(Action::Reject), Ok(Responded));
        assert_eq!(s.apply(Action::Accept), Ok(Resolved));
        assert_eq!(s.apply(Action::SilenceAccept), Ok(Resolved));
    }

    #[test]
    fn an_internal_note_is_not_a_response() {
        assert_eq!(Submitted.apply(Action::MerchantReply { public: false }), Ok(Submitted));
    }

    #[test]
    fn escalation_and_ruling() {
        for open in [Submitted, Responded, Proposed] {
            let e = open.apply(Action::Escalate(EscalationReason::ResponseBreach)).unwrap();
            assert_eq!(e, Escalated);
        }
        assert_eq!(Escalated.apply(Action::Rule(Outcome::PartlyUpheld)), Ok(Closed));
        assert!(Escalated.apply(Action::Escalate(EscalationReason::ConsumerRequest)).is_err());
        // Only undelivered relief reopens, and only what was resolved or ruled on.
        let undelivered = Action::Escalate(EscalationReason::ReliefNotDelivered);
        assert_eq!(Resolved.apply(undelivered), Ok(Escalated));
        assert_eq!(Closed.apply(undelivered), Ok(Escalated));
        assert!(Withdrawn.apply(undelivered).is_err() && Responded.apply(undelivered).is_err());
        assert!(Responded.apply(Action::Rule(Outcome::Upheld)).is_err());
        assert_eq!(Responded.apply(Action::CaseRule(Outcome::Upheld)), Ok(Closed));
        assert_eq!(Proposed.apply(Action::CaseRule(Outcome::NotUpheld)), Ok(Closed));
        assert!(Resolved.apply(Action::CaseRule(Outcome::Upheld)).is_err());
        assert!(Withdrawn.apply(Action::CaseRule(Outcome::Upheld)).is_err());
    }

    #[test]
    fn withdrawal_only_before_resolution() {
        for s in [Submitted, Responded, Proposed, Escalated] {
            assert_eq!(s.apply(Action::Withdraw), Ok(Withdrawn));
        }
        for s in [Resolved, Closed, Withdrawn] {
            assert_eq!(s.apply(Action::Withdraw), Err(IllegalTransition { from: s, action: Action::Withdraw }));
        }
    }

    #[test]
    fn the_error_says_what_was_refused() {
        let err = Resolved.apply(Action::Reject).unwrap_err();
        assert_eq!(err.to_string(), "cannot reject a complaint that is resolved");
    }

    fn action() -> impl Strategy<Value = Action> {
        let reason = prop::sample::select(EscalationReason::ALL.to_vec());
        let outcome = prop::sample::select(Outcome::ALL.to_vec());
        prop_oneof![
            any::<bool>().prop_map(|public| Action::MerchantReply { public }),
            Just(Action::ConsumerReply),
            Just(Action::Propose),
            Just(Action::Accept),
            Just(Action::SilenceAccept),
            Just(Action::Reject),
            reason.prop_map(Action::Escalate),
            outcome.clone().prop_map(Action::Rule),
            outcome.prop_map(Action::CaseRule),
            Just(Action::Withdraw),
        ]
    }

    proptest! {
        /// Whatever happens, the machine only moves along DESIGN.md's arrows,
        /// never leaves a final state, and a complaint once answered never
        /// goes back to `submitted`.
        #[test]
        fn random_histories_follow_the_arrows(actions in prop::collection::vec(action(), 0..40)) {
            let mut state = Submitted;
            let mut answered = false;
            for a in actions {
                match state.apply(a) {
                    Ok(next) => {
                        let reopened = a == Action::Escalate(EscalationReason::ReliefNotDelivered);
                        prop_assert!(!state.is_final() || reopened, "{state} moved to {next}");
                        let allowed = next == state || matches!(
                            (state, next),
                            (Submitted, Responded) | (Submitted | Responded, Proposed)
                            | (Proposed, Resolved | Responded)
                            | (Submitted | Responded | Proposed, Escalated)
                            | (Resolved | Closed, Escalated)
                            | (Escalated, Closed)
                            | (Submitted | Responded | Proposed | Escalated, Withdrawn)
                        ) || (matches!(a, Action::CaseRule(_)) && next == Closed);
                        prop_assert!(allowed, "{state} -> {next} by {a:?}");
                        answered |= next != Submitted;
                        prop_assert!(!(answered && next == Submitted));
                        state = next;
                    }
                    Err(e) => {
                        prop_assert_eq!(e.from, state);
                    }
                }
            }
        }

        #[test]
        fn final_states_refuse_everything_but_undelivered_relief(a in action()) {
            for s in [Resolved, Closed, Withdrawn] {
                let reopens = s != Withdrawn && a == Action::Escalate(EscalationReason::ReliefNotDelivered);
                prop_assert_eq!(s.apply(a).is_ok(), reopens, "{} by {:?}", s, a);
            }
        }
    }
}

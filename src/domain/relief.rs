//! Relief (issue 21): what a consumer was given when a complaint ended —
//! money (with the amount), something else (an exchange, a repair, an
//! apology), or an explanation — recorded at every resolution and every
//! ruling, and, for money, followed up: the consumer is asked after a few
//! days whether it arrived (CFPB's "closed with monetary relief" counts
//! what consumers actually got; silence is not "yes").

use chrono::{DateTime, Duration, Utc};

use super::amount::MAX_FEN;
use super::category::Resolution;
use super::complaint::{Field, FieldErrors, Invalid, check, optional_amount};
use super::state::Outcome;

crate::slug_enum! {
    #[catalog("relief.")]
    /// What the consumer was given.
    pub enum ReliefKind {
        Monetary => "monetary",
        NonMonetary => "non_monetary",
        Explanation => "explanation",
    }
}

crate::slug_enum! {
    #[catalog("relief.source_")]
    /// What recorded a relief.
    pub enum ReliefSource {
        /// The consumer accepted the merchant's proposal.
        Accepted => "accepted",
        /// The proposal was accepted by 72 hours of the consumer's silence.
        Silence => "silence",
        Ruling => "ruling",
        /// A collective case's ruling.
        Case => "case",
    }
}

/// The relief of one resolution or ruling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relief {
    pub kind: ReliefKind,
    /// Fen; for monetary relief, `None` when nobody said how much.
    pub amount_fen: Option<i64>,
    /// Of the amount, what the platform pays the consumer first from the
    /// merchant's deposit (先行赔付).
    pub compensation_fen: Option<i64>,
}

/// How long after a monetary relief the consumer is asked whether it
/// arrived; configurable (`REDRESS_RELIEF_FOLLOW_UP_DAYS`).
pub const DEFAULT_FOLLOW_UP: Duration = Duration::days(7);

impl Relief {
    /// What accepting a proposal gives: money for a refund, a return and
    /// refund or compensation (the proposal's amount, else the amount the
    /// complaint is about), money too for "other" with an amount; an
    /// exchange, a repair or an apology is not money.
    pub fn of_proposal(
        resolution: Option<Resolution>,
        proposed_fen: Option<i64>,
        complaint_fen: Option<i64>,
    ) -> Relief {
        let money = match resolution {
            Some(Resolution::Refund | Resolution::ReturnRefund | Resolution::Compensation) => true,
            Some(Resolution::Other) | None => proposed_fen.is_some_and(|f| f > 0),
            Some(_) => false,
        };
        if money {
            let amount_fen = proposed_fen.filter(|f| *f > 0).or(complaint_fen.filter(|f| *f > 0));
            Relief { kind: ReliefKind::Monetary, amount_fen, compensation_fen: None }
        } else {
            Relief { kind: ReliefKind::NonMonetary, amount_fen: None, compensation_fen: None }
        }
    }

    /// When to ask the consumer whether it arrived: monetary relief only.
    pub fn ask_at(&self, recorded: DateTime<Utc>, follow_up: Duration) -> Option<DateTime<Utc>> {
        (self.kind == ReliefKind::Monetary).then_some(recorded + follow_up)
    }
}

/// The relief part of a ruling form as typed: `relief` (a kind, or empty
/// for the default), `relief_amount` (yuan) and `compensation` (yuan).
#[derive(Debug, Clone, Copy)]
pub struct ReliefForm<'a> {
    pub relief: &'a str,
    pub amount: &'a str,
    pub compensation: &'a str,
}

/// What a ruling gives when the supervisor does not say: an explanation
/// when the complaint is not upheld; otherwise money when the consumer
/// asked for money back and said how much (that amount), else something
/// other than money.
pub fn default_for(outcome: Outcome, desired: Resolution, complaint_fen: Option<i64>) -> Relief {
    match outcome {
        Outcome::NotUpheld => Relief { kind: ReliefKind::Explanation, amount_fen: None, compensation_fen: None },
        _ => match Relief::of_proposal(Some(desired), None, complaint_fen) {
            Relief { kind: ReliefKind::Monetary, amount_fen: None, .. } => {
                Relief { kind: ReliefKind::NonMonetary, amount_fen: None, compensation_fen: None }
            }
            r => r,
        },
    }
}

impl ReliefForm<'_> {
    /// The relief of a ruling with `outcome`, checked: compensation only
    /// when the complaint is upheld (wholly or partly), more than zero and
    /// paid as money; a monetary relief's amount is at least the
    /// compensation (the amount defaults to it); an amount only for money.
    /// `None` when the supervisor said nothing: then [`default_for`] the
    /// complaint. Checked against `outcome` when it is known.
    pub fn validate(&self, outcome: Option<Outcome>) -> Result<Option<Relief>, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = match self.relief.trim() {
            "" => None,
            slug => check(&mut errors, Field::Relief, ReliefKind::from_slug(slug).ok_or(Invalid::UnknownChoice)),
        };
        let positive = |raw: &str| match optional_amount(raw) {
            Ok(Some(0)) => Err(Invalid::Amount),
            other => other,
        };
        let amount = check(&mut errors, Field::ReliefAmount, positive(self.amount)).flatten();
        let compensation = check(&mut errors, Field::Compensation, positive(self.compensation)).flatten();
        if compensation.is_some() && matches!(outcome, Some(Outcome::NotUpheld)) {
            errors.add(Field::Compensation, Invalid::CompensationNotUpheld);
        }
        let kind = match (kind, compensation) {
            (Some(k), Some(_)) if k != ReliefKind::Monetary => {
                errors.add(Field::Compensation, Invalid::CompensationNotMonetary);
                Some(k)
            }
            (None, Some(_)) => Some(ReliefKind::Monetary),
            (None, None) if amount.is_some() => Some(ReliefKind::Monetary),
            (k, _) => k,
        };
        if amount.is_some() && kind.is_some_and(|k| k != ReliefKind::Monetary) {
            errors.add(Field::ReliefAmount, Invalid::AmountNotMonetary);
        }
        if let (Some(a), Some(c)) = (amount, compensation)
            && a < c
        {
            errors.add(Field::ReliefAmount, Invalid::BelowCompensation);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(kind.map(|kind| Relief {
            kind,
            amount_fen: amount.or(compensation).map(|f| f.min(MAX_FEN)),
            compensation_fen: compensation,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(relief: &'a str, amount: &'a str, compensation: &'a str) -> ReliefForm<'a> {
        ReliefForm { relief, amount, compensation }
    }

    fn default(o: Outcome) -> impl FnOnce(Option<Relief>) -> Relief {
        move |r| r.unwrap_or_else(|| default_for(o, Resolution::Refund, Some(19_900)))
    }

    #[test]
    fn a_proposal_of_money_is_monetary_relief() {
        let r = Relief::of_proposal(Some(Resolution::Refund), Some(9_900), Some(19_900));
        assert_eq!((r.kind, r.amount_fen), (ReliefKind::Monetary, Some(9_900)));
        let r = Relief::of_proposal(Some(Resolution::ReturnRefund), None, Some(19_900));
        assert_eq!(r.amount_fen, Some(19_900));
        assert_eq!(Relief::of_proposal(Some(Resolution::Exchange), Some(100), None).kind, ReliefKind::NonMonetary);
        assert_eq!(Relief::of_proposal(Some(Resolution::Other), None, Some(100)).kind, ReliefKind::NonMonetary);
        let at = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(r.ask_at(at, DEFAULT_FOLLOW_UP), Some(at + Duration::days(7)));
        assert_eq!(Relief::of_proposal(Some(Resolution::Repair), None, None).ask_at(at, DEFAULT_FOLLOW_UP), None);
    }

    #[test]
    fn a_ruling_without_relief_gets_the_default() {
        let r = form("", "", "").validate(Some(Outcome::Upheld)).map(default(Outcome::Upheld)).unwrap();
        assert_eq!((r.kind, r.amount_fen), (ReliefKind::Monetary, Some(19_900)));
        let r = form("", "", "").validate(Some(Outcome::NotUpheld)).map(default(Outcome::NotUpheld)).unwrap();
        assert_eq!(r.kind, ReliefKind::Explanation);
        let none = default_for(Outcome::Upheld, Resolution::Refund, None);
        assert_eq!(none.kind, ReliefKind::NonMonetary);
    }

    #[test]
    fn compensation_is_money_paid_on_an_upheld_complaint() {
        let r = form("", "", "50").validate(Some(Outcome::PartlyUpheld)).map(default(Outcome::PartlyUpheld)).unwrap();
        assert_eq!((r.kind, r.amount_fen, r.compensation_fen), (ReliefKind::Monetary, Some(5_000), Some(5_000)));
        let r = form("monetary", "80", "50").validate(Some(Outcome::Upheld)).map(default(Outcome::Upheld)).unwrap();
        assert_eq!((r.amount_fen, r.compensation_fen), (Some(8_000), Some(5_000)));
        let e = form("", "", "50").validate(Some(Outcome::NotUpheld)).unwrap_err();
        assert_eq!(e.get(Field::Compensation), Some(Invalid::CompensationNotUpheld));
        let e = form("non_monetary", "", "50").validate(Some(Outcome::Upheld)).unwrap_err();
        assert_eq!(e.get(Field::Compensation), Some(Invalid::CompensationNotMonetary));
        let e = form("monetary", "20", "50").validate(Some(Outcome::Upheld)).unwrap_err();
        assert_eq!(e.get(Field::ReliefAmount), Some(Invalid::BelowCompensation));
        let e = form("explanation", "20", "").validate(Some(Outcome::Upheld)).unwrap_err();
        assert_eq!(e.get(Field::ReliefAmount), Some(Invalid::AmountNotMonetary));
        let e = form("cash", "x", "0").validate(None).unwrap_err();
        assert_eq!(e.get(Field::Relief), Some(Invalid::UnknownChoice));
        assert_eq!(e.get(Field::ReliefAmount), Some(Invalid::Amount));
        assert_eq!(e.get(Field::Compensation), Some(Invalid::Amount));
    }
}

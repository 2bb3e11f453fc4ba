//! Messages between merchant and consumer: replies, internal notes and
//! proposals, validated before anything is stored.

use super::category::Resolution;
use super::complaint::{Field, FieldErrors, Invalid, check, choice, optional_amount};
use super::event::Visibility;
use super::text;

pub const MESSAGE_MAX: usize = 2000;

fn message(raw: &str) -> Result<String, Invalid> {
    text::clean_shown(raw, 1, MESSAGE_MAX, true).map_err(Invalid::from)
}

/// A reply or note as typed.
#[derive(Debug, Clone, Default)]
pub struct ReplyForm {
    pub body: String,
    pub visibility: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub body: String,
    pub visibility: Visibility,
}

impl ReplyForm {
    /// A merchant's reply; the visibility defaults to public.
    pub fn validate(&self) -> Result<Reply, FieldErrors> {
        let mut errors = FieldErrors::default();
        let body = check(&mut errors, Field::Body, message(&self.body));
        let visibility = check(
            &mut errors,
            Field::Visibility,
            match self.visibility.trim() {
                "" => Ok(Visibility::Public),
                v => Visibility::from_slug(v).ok_or(Invalid::UnknownChoice),
            },
        );
        match (body, visibility) {
            (Some(body), Some(visibility)) => Ok(Reply { body, visibility }),
            _ => Err(errors),
        }
    }
}

/// A consumer's message: always public.
pub fn consumer_message(raw: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    check(&mut errors, Field::Body, message(raw)).ok_or(errors)
}

/// A proposal as typed.
#[derive(Debug, Clone, Default)]
pub struct ProposalForm {
    pub resolution: String,
    pub amount: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub resolution: Resolution,
    pub amount_fen: Option<i64>,
    pub body: String,
}

impl ProposalForm {
    pub fn validate(&self) -> Result<Proposal, FieldErrors> {
        let mut errors = FieldErrors::default();
        let resolution = check(&mut errors, Field::Resolution, choice(&self.resolution, Resolution::from_slug));
        let amount_fen = check(&mut errors, Field::Amount, optional_amount(&self.amount));
        let body = check(&mut errors, Field::Body, message(&self.body));
        match (resolution, amount_fen, body) {
            (Some(resolution), Some(amount_fen), Some(body)) if errors.is_empty() => {
                Ok(Proposal { resolution, amount_fen, body })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_default_to_public_and_need_a_body() {
        let r = ReplyForm { body: " 您好，已核实，马上处理。 ".into(), visibility: "".into() }.validate().unwrap();
        assert_eq!(r.visibility, Visibility::Public);
        assert_eq!(r.body, "您好，已核实，马上处理。");
        let e = ReplyForm { body: "  ".into(), visibility: "secret".into() }.validate().unwrap_err();
        assert_eq!(e.get(Field::Body), Some(Invalid::Required));
        assert_eq!(e.get(Field::Visibility), Some(Invalid::UnknownChoice));
    }

    #[test]
    fn proposals_refuse_negative_amounts_and_unknown_resolutions() {
        let ok = ProposalForm { resolution: "refund".into(), amount: "199".into(), body: "全额退款".into() };
        assert_eq!(ok.validate().unwrap().amount_fen, Some(19_900));
        let bad = ProposalForm { resolution: "money".into(), amount: "-5".into(), body: "".into() };
        let e = bad.validate().unwrap_err();
        assert_eq!(e.get(Field::Resolution), Some(Invalid::UnknownChoice));
        assert_eq!(e.get(Field::Amount), Some(Invalid::Amount));
        assert_eq!(e.get(Field::Body), Some(Invalid::Required));
        assert_eq!(
            consumer_message("x".repeat(2001).as_str()).unwrap_err().get(Field::Body),
            Some(Invalid::TooLong { max: 2000 })
        );
    }
}

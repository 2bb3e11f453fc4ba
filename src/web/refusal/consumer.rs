//! How the consumer services' refusals read (see the parent module).

use super::{Refusal, Refuse};
use crate::domain::complaint::{Field, Invalid};
use crate::error::AppError;
use crate::service::complaints::SubmitError;
use crate::service::evidence::EvidenceError;
use crate::service::rating::RateError;
use crate::web::form::FILES;

impl Refuse for SubmitError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            // Gone between the form's check and the write (or never there).
            SubmitError::UnknownMerchant(_) => {
                Ok(Refusal::invalid(Invalid::UnknownMerchant).at(Field::Merchant.slug()))
            }
            SubmitError::Db(e) => Err(e.into()),
        }
    }
}

impl Refuse for RateError {
    fn refusal(self) -> Result<Refusal, AppError> {
        Ok(match self {
            RateError::NotFound => return Err(AppError::NotFound),
            RateError::Db(e) => return Err(e.into()),
            RateError::Score => Refusal::unprocessable("error.rating_score"),
            RateError::Comment(why) => Refusal::invalid(why).at("comment"),
            RateError::NotFinished => Refusal::unprocessable("error.illegal_action"),
            RateError::AlreadyRated => Refusal::unprocessable("error.already_rated"),
        })
    }
}

/// A file refused, about the form's evidence field. Its message names the
/// file (and its sizes): `web::evidence::message` fills those in.
impl Refuse for EvidenceError {
    fn refusal(self) -> Result<Refusal, AppError> {
        let key = match self {
            EvidenceError::Kind(_) => "form.evidence_kind",
            EvidenceError::Broken(_) => "form.evidence_broken",
            EvidenceError::Name(_) => "form.evidence_name",
            EvidenceError::Pixels { .. } => "form.evidence_pixels",
            EvidenceError::Frames { .. } => "form.evidence_frames",
        };
        Ok(Refusal::unprocessable(key).at(FILES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::StatusCode;

    #[test]
    fn each_refusal_names_its_field_or_none() {
        let merchant = SubmitError::UnknownMerchant(7).refusal().unwrap();
        assert_eq!(
            (merchant.status, merchant.key, merchant.field),
            (StatusCode::UNPROCESSABLE_ENTITY, "error.unknown_merchant", Some("merchant"))
        );
        let comment = RateError::Comment(Invalid::TooLong { max: 500 }).refusal().unwrap();
        assert_eq!((comment.field, comment.n), (Some("comment"), Some(500)));
        assert_eq!(RateError::AlreadyRated.refusal().unwrap().field, None);
        assert!(matches!(RateError::NotFound.refusal(), Err(AppError::NotFound)));
        assert_eq!(EvidenceError::Broken("a.png".into()).refusal().unwrap().field, Some("evidence"));
    }
}

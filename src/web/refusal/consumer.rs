//! How the consumer services' refusals read (see the parent module).

use super::{Refusal, Refuse};
use crate::domain::complaint::{Field, Invalid};
use crate::domain::verification::Refused;
use crate::error::AppError;
use crate::service::complaints::SubmitError;
use crate::service::evidence::EvidenceError;
use crate::service::rating::RateError;
use crate::service::reports::ReportError;
use crate::service::verification::{CheckError, SendError};
use crate::web::form::FILES;
use actix_web::http::StatusCode;

impl Refuse for SubmitError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            // Gone between the form's check and the write (or never there).
            SubmitError::UnknownMerchant(_) => {
                Ok(Refusal::invalid(Invalid::UnknownMerchant).at(Field::Merchant.slug()))
            }
            SubmitError::UnknownProduct(_) => Ok(Refusal::invalid(Invalid::UnknownProduct).at(Field::Product.slug())),
            SubmitError::UnknownSession(_) => {
                Ok(Refusal::invalid(Invalid::UnknownSession).at(Field::LiveSession.slug()))
            }
            SubmitError::Code(why) => Ok(code_refused(why).at(PHONE_CODE)),
            SubmitError::Db(e) => Err(e.into()),
        }
    }
}

/// A report refused for what the database says of its room or session.
impl Refuse for ReportError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            ReportError::UnknownMerchant(_) => {
                Ok(Refusal::invalid(Invalid::UnknownMerchant).at(Field::Merchant.slug()))
            }
            ReportError::UnknownRoom(_) => Ok(Refusal::unprocessable("report.unknown_room").at(Field::Room.slug())),
            ReportError::UnknownSession(_) => {
                Ok(Refusal::unprocessable("report.unknown_session").at(Field::LiveSession.slug()))
            }
            ReportError::Db(e) => Err(e.into()),
        }
    }
}

/// The complaint form's field for the code that proves the phone number.
pub const PHONE_CODE: &str = "phone_code";

/// 422, and what to do: a wrong code may be typed again; one expired,
/// used or answered five times needs a new one.
fn code_refused(why: Refused) -> Refusal {
    Refusal::unprocessable(match why {
        Refused::NoCode => "verify.no_code",
        Refused::Wrong => "verify.wrong",
        Refused::Expired => "verify.expired",
        Refused::Used => "verify.used",
        Refused::Spent => "verify.spent",
    })
}

/// A code answered at `/my` (the field is the form's `code`).
impl Refuse for CheckError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            CheckError::Refused(why) => Ok(code_refused(why).at("code")),
            CheckError::Db(e) => Err(e.into()),
        }
    }
}

/// A code asked for: 429 with the seconds to wait (the handler sends them
/// as `Retry-After` too, from [`SendError`]'s duration).
impl Refuse for SendError {
    fn refusal(self) -> Result<Refusal, AppError> {
        let busy = |key, wait: chrono::Duration| Refusal {
            status: StatusCode::TOO_MANY_REQUESTS,
            n: usize::try_from(crate::web::limit::seconds(wait)).ok(),
            ..Refusal::unprocessable(key)
        };
        match self {
            SendError::PhoneBusy(wait) => Ok(busy("verify.phone_busy", wait)),
            SendError::AddressBusy(wait) => Ok(busy("verify.address_busy", wait)),
            SendError::Db(e) => Err(e.into()),
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

/// Too many codes: the 429 and how long to wait (for `Retry-After`); a
/// database error stays one.
pub fn busy(e: SendError) -> Result<(Refusal, chrono::Duration), AppError> {
    let wait = match e {
        SendError::PhoneBusy(wait) | SendError::AddressBusy(wait) => wait,
        SendError::Db(_) => chrono::Duration::zero(),
    };
    Ok((e.refusal()?, wait))
}

/// The consumer's answer about a relief's money, refused.
impl Refuse for crate::service::relief::ReliefError {
    fn refusal(self) -> Result<Refusal, AppError> {
        use crate::service::relief::ReliefError;
        match self {
            ReliefError::Act(e) => e.refusal(),
            ReliefError::Nothing => {
                Ok(Refusal { status: StatusCode::CONFLICT, ..Refusal::unprocessable("relief.nothing") })
            }
            ReliefError::NotYet => {
                Ok(Refusal { status: StatusCode::CONFLICT, ..Refusal::unprocessable("relief.not_yet") })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let code = SubmitError::Code(Refused::Spent).refusal().unwrap();
        assert_eq!(
            (code.status, code.key, code.field),
            (StatusCode::UNPROCESSABLE_ENTITY, "verify.spent", Some("phone_code"))
        );
        let busy = SendError::PhoneBusy(chrono::Duration::seconds(90)).refusal().unwrap();
        assert_eq!((busy.status, busy.n), (StatusCode::TOO_MANY_REQUESTS, Some(90)));
    }
}

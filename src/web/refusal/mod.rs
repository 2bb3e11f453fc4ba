//! One mapping from each service error to what the person is told: the
//! status, the message key and the form field at fault ([`Refusal`]); or,
//! for what no message can answer (not found, the database), the
//! [`AppError`] that renders the error page. Each service's errors have
//! their `impl Refuse` here, by audience, with every variant named: a new
//! variant does not compile until someone decides what it means to a
//! person.

mod consumer;
mod deposit;
mod merchant;
mod publication;
mod staff;
mod supervisor;

pub use consumer::{PHONE_CODE, busy};
pub use supervisor::Deciding;

use actix_web::http::StatusCode;

use crate::domain::complaint::Invalid;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::conversation::ActError;

/// A request refused for a reason the person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    /// The catalog key of the message.
    pub key: &'static str,
    /// The form field at fault, when one is (its message goes next to it).
    pub field: Option<&'static str>,
    /// The message's `{n}`, when it has one.
    pub n: Option<usize>,
}

impl Refusal {
    /// 403: the form's CSRF token did not match (an expired or forged page).
    pub const FORGED: Refusal =
        Refusal { status: StatusCode::FORBIDDEN, key: "error.csrf_action", field: None, n: None };

    /// 422: understood, and refused for what it says.
    pub const fn unprocessable(key: &'static str) -> Refusal {
        Refusal { status: StatusCode::UNPROCESSABLE_ENTITY, key, field: None, n: None }
    }

    /// The same refusal, about the form's field `field`.
    pub const fn at(self, field: &'static str) -> Refusal {
        Refusal { field: Some(field), ..self }
    }

    /// A field's value that is not valid, as the domain's rules say.
    pub fn invalid(why: Invalid) -> Refusal {
        Refusal { n: why.count(), ..Refusal::unprocessable(why.key()) }
    }

    /// The message in the reader's language.
    pub fn message(&self, t: &Tr) -> String {
        match self.n {
            Some(n) => t.fmt(self.key, &[("n", &n)]),
            None => t.get(self.key).to_owned(),
        }
    }
}

/// "At most 2,000 characters." for a value the domain's rules refused.
pub fn invalid(t: &Tr, why: Invalid) -> String {
    Refusal::invalid(why).message(t)
}

/// A service's error: a [`Refusal`], or an [`AppError`] for what no
/// message can answer.
pub trait Refuse {
    fn refusal(self) -> Result<Refusal, AppError>;
}

/// What the complaint's state refused (every audience acts on complaints).
impl Refuse for ActError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            ActError::NotFound => Err(AppError::NotFound),
            ActError::Db(e) => Err(e.into()),
            ActError::Illegal(_) => Ok(Refusal::unprocessable("error.illegal_action")),
            ActError::NotYet => Ok(Refusal::unprocessable("error.not_yet")),
            ActError::Changed => Ok(Refusal::unprocessable("error.changed")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn refusals_speak_the_readers_language() {
        let en = Lang::En.tr();
        let r = ActError::Changed.refusal().unwrap();
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.message(&en), en.get("error.changed"));
        assert!(matches!(ActError::NotFound.refusal(), Err(AppError::NotFound)));
        assert_eq!(invalid(&en, Invalid::TooLong { max: 50 }), "At most 50 characters.");
    }
}

//! How the staff services' refusals read (see the parent module): signing
//! in, the second step, the account's password.
//!
//! A second step's refusal about the `code` field leaves the form to try
//! again; one about no field ends the pending sign-in (or enrolment).

use actix_web::http::StatusCode;
use chrono::Duration;

use super::{Refusal, Refuse};
use crate::domain::totp;
use crate::error::AppError;
use crate::service::auth::SignInError;
use crate::service::sessions::PasswordError;
use crate::service::two_factor::{CodeError, EnrolError};
use crate::web::limit;

/// A refusal with its own status and a count for its message.
fn counted(status: StatusCode, key: &'static str, n: i64) -> Refusal {
    Refusal { status, n: Some(usize::try_from(n).unwrap_or_default()), ..Refusal::unprocessable(key) }
}

/// Slowed for a few seconds, or throttled for minutes (rounded up).
fn throttled(wait: Duration) -> Refusal {
    let seconds = limit::seconds(wait);
    if seconds < 60 {
        counted(StatusCode::TOO_MANY_REQUESTS, "login.slowed", seconds)
    } else {
        counted(StatusCode::TOO_MANY_REQUESTS, "login.throttled", (seconds + 59) / 60)
    }
}

impl Refuse for SignInError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            SignInError::Invalid => Ok(Refusal::unprocessable("login.invalid")),
            SignInError::Throttled { retry_after } => Ok(throttled(retry_after)),
            SignInError::Db(e) => Err(e.into()),
        }
    }
}

impl Refuse for PasswordError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            PasswordError::WrongCurrent => Ok(Refusal::unprocessable("account.current_wrong").at("current_password")),
            PasswordError::Weak(_) => Ok(Refusal::unprocessable("account.password_space").at("new_password")),
            PasswordError::Hash(e) => Err(AppError::internal(e)),
            PasswordError::Db(e) => Err(e.into()),
        }
    }
}

impl Refuse for CodeError {
    fn refusal(self) -> Result<Refusal, AppError> {
        let too_many = StatusCode::TOO_MANY_REQUESTS;
        match self {
            CodeError::Wrong { left } => {
                Ok(counted(StatusCode::UNPROCESSABLE_ENTITY, "two_factor.wrong", left.into()).at("code"))
            }
            CodeError::Replayed { left } => {
                Ok(counted(StatusCode::UNPROCESSABLE_ENTITY, "two_factor.replayed", left.into()).at("code"))
            }
            CodeError::Ended => Ok(counted(too_many, "two_factor.ended", totp::ROUND_FAILURES.into())),
            CodeError::Locked { retry_after } => {
                Ok(counted(too_many, "two_factor.locked", (retry_after.num_seconds() + 59) / 60))
            }
            CodeError::Stale => {
                Ok(Refusal { status: StatusCode::FORBIDDEN, ..Refusal::unprocessable("two_factor.stale") })
            }
            CodeError::Unreadable => Ok(Refusal {
                status: StatusCode::SERVICE_UNAVAILABLE,
                ..Refusal::unprocessable("two_factor.unreadable")
            }),
            CodeError::Db(e) => Err(e.into()),
        }
    }
}

impl Refuse for EnrolError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            EnrolError::Wrong => Ok(Refusal::unprocessable("two_factor.enrol_wrong").at("code")),
            // Enrolled meanwhile (another tab, another browser): this
            // enrolment is over.
            EnrolError::Already => {
                Ok(Refusal { status: StatusCode::FORBIDDEN, ..Refusal::unprocessable("two_factor.stale") })
            }
            EnrolError::Db(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_throttled_sign_in_says_seconds_then_minutes() {
        let en = Lang::En.tr();
        let slowed = SignInError::Throttled { retry_after: Duration::milliseconds(4_200) }.refusal().unwrap();
        assert_eq!((slowed.status, slowed.key, slowed.n), (StatusCode::TOO_MANY_REQUESTS, "login.slowed", Some(5)));
        let throttled = SignInError::Throttled { retry_after: Duration::seconds(61) }.refusal().unwrap();
        assert_eq!((throttled.key, throttled.n), ("login.throttled", Some(2)));
        assert_eq!(throttled.message(&en), en.fmt("login.throttled", &[("n", &2)]));
    }

    #[test]
    fn only_a_wrong_code_leaves_the_form_to_try_again() {
        let wrong = CodeError::Wrong { left: 3 }.refusal().unwrap();
        assert_eq!((wrong.field, wrong.n), (Some("code"), Some(3)));
        assert_eq!(CodeError::Replayed { left: 1 }.refusal().unwrap().field, Some("code"));
        let over = [
            (CodeError::Ended, StatusCode::TOO_MANY_REQUESTS),
            (CodeError::Locked { retry_after: Duration::seconds(61) }, StatusCode::TOO_MANY_REQUESTS),
            (CodeError::Stale, StatusCode::FORBIDDEN),
            (CodeError::Unreadable, StatusCode::SERVICE_UNAVAILABLE),
        ];
        for (e, status) in over {
            let r = e.refusal().unwrap();
            assert_eq!((r.field, r.status), (None, status), "{}", r.key);
        }
        assert_eq!(EnrolError::Wrong.refusal().unwrap().field, Some("code"));
        assert_eq!(EnrolError::Already.refusal().unwrap().field, None);
    }

    #[test]
    fn a_password_refusal_names_its_field() {
        assert_eq!(PasswordError::WrongCurrent.refusal().unwrap().field, Some("current_password"));
        assert_eq!(PasswordError::Weak("space").refusal().unwrap().field, Some("new_password"));
        assert!(matches!(PasswordError::Hash("no".into()).refusal(), Err(AppError::Internal(_))));
    }
}

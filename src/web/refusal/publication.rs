//! How the public register's refusals read (see the parent module).

use actix_web::http::StatusCode;

use super::{Refusal, Refuse};
use crate::error::AppError;
use crate::service::publication::PublicationError;

impl Refuse for PublicationError {
    fn refusal(self) -> Result<Refusal, AppError> {
        let conflict = |key| Refusal { status: StatusCode::CONFLICT, ..Refusal::unprocessable(key) };
        match self {
            PublicationError::NotFound => Err(AppError::NotFound),
            PublicationError::Db(e) => Err(e.into()),
            PublicationError::ResponseClosed => Ok(Refusal::unprocessable("register.response_closed")),
            PublicationError::NotInRegister => Ok(conflict("register.not_in_register")),
            PublicationError::AlreadyHidden => Ok(conflict("register.already_hidden")),
            PublicationError::NotHidden => Ok(conflict("register.not_hidden")),
        }
    }
}

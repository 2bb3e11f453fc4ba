//! One error type for the whole application: a kind, which decides the
//! status code and the page, and the cause, which goes to the log.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be understood (malformed form body, …).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Staff pages for someone not signed in: off to `/login`, and back
    /// to this path afterwards.
    #[error("sign-in required")]
    SignIn(String),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("payload too large")]
    PayloadTooLarge,
    /// The database cannot be reached or is busy beyond its timeout.
    #[error("service unavailable")]
    Unavailable(#[source] Cause),
    #[error("internal error")]
    Internal(#[source] Cause),
}

/// What went wrong underneath, kept whole for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

impl AppError {
    pub fn internal(cause: impl Into<Cause>) -> Self {
        AppError::Internal(cause.into())
    }

    pub fn unavailable(cause: impl Into<Cause>) -> Self {
        AppError::Unavailable(cause.into())
    }

    /// This error and every cause under it, outermost first:
    /// "internal error: a query failed: disk I/O error".
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _) => {
                AppError::unavailable(e)
            }
            Error::DatabaseError(_, info) if is_busy(info.message()) => AppError::unavailable(e),
            _ => AppError::internal(e),
        }
    }
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::unavailable(e)
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal(e)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::SignIn(_) => StatusCode::SEE_OTHER,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bare response: the error-page middleware (`web::errors`) renders
    /// the page in the site layout and the visitor's language.
    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Unavailable(_) => tracing::warn!(cause = %self.chain(), "database unavailable"),
            AppError::Internal(_) => tracing::error!(cause = %self.chain(), "internal error"),
            AppError::BadRequest(_)
            | AppError::SignIn(_)
            | AppError::Forbidden
            | AppError::NotFound
            | AppError::PayloadTooLarge => {}
        }
        if let AppError::SignIn(next) = self {
            let location = format!("/login?next={}", encode_component(next));
            return HttpResponse::SeeOther().insert_header(("Location", location)).finish();
        }
        let mut res = HttpResponse::build(self.status_code());
        if matches!(self, AppError::Unavailable(_)) {
            res.insert_header(("Retry-After", "5"));
        }
        res.finish()
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

//! Errors of the API as RFC 9457 problem details
//! (`application/problem+json`): a stable `type` per kind of error
//! (`/api/v1/problems/<slug>`, each described at that address), its
//! `title`, the `status`, a `detail` for this occurrence and, for a body
//! whose fields were refused, `errors: [{field, code, message}]`. Titles,
//! details and messages are in the caller's language (`Accept-Language`,
//! as on the site). Every error answer under `/api/` is one of these,
//! whether a handler made it or it was a bare error of actix or of the
//! site's middleware (see [`bare`]).

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::field::FieldErrors;
use crate::i18n::{Lang, Tr};

pub const CONTENT_TYPE: &str = "application/problem+json";
/// Where each problem type is described: the `type` of a problem is this
/// followed by its slug.
pub const TYPE_BASE: &str = "/api/v1/problems/";

crate::slug_enum! {
    #[catalog("api.problem_")]
    /// The kinds of problem the API answers with; the slug ends the `type`.
    pub enum ProblemKind {
        /// 400: the request could not be read (a bad header, query or form).
        BadRequest => "bad_request",
        /// 400: the body is not well-formed JSON.
        MalformedJson => "malformed_json",
        /// 400: a query parameter could not be read.
        InvalidQuery => "invalid_query",
        /// 400: the list's cursor is not one this API gave out.
        InvalidCursor => "invalid_cursor",
        /// 401: no key, or one that is not valid or was revoked.
        Unauthorized => "unauthorized",
        /// 403: the key may not do this.
        Forbidden => "forbidden",
        /// 404: no such thing (for this key).
        NotFound => "not_found",
        /// 405: the path does not take this method.
        MethodNotAllowed => "method_not_allowed",
        /// 408: the body did not arrive in time.
        RequestTimeout => "request_timeout",
        /// 409: the complaint's state does not allow this now.
        StateConflict => "state_conflict",
        /// 409: someone changed the complaint meanwhile: read it again.
        Changed => "changed",
        /// 413: the body, or a file in it, is too large.
        PayloadTooLarge => "payload_too_large",
        /// 415: the body is not of a type this path takes.
        UnsupportedMediaType => "unsupported_media_type",
        /// 422: the body is JSON, but not of the shape the path takes.
        InvalidBody => "invalid_body",
        /// 422: fields were refused; `errors` lists them.
        Validation => "validation",
        /// 429: too many requests with this key; see `Retry-After`.
        RateLimited => "rate_limited",
        /// 500: a bug.
        Internal => "internal",
        /// 503: the database is busy or unreachable; see `Retry-After`.
        Unavailable => "unavailable",
        /// Any other error status.
        Other => "other",
        /// 400: filing a complaint needs an `Idempotency-Key` header (1 to
        /// 255 printable characters).
        IdempotencyKeyMissing => "idempotency_key_missing",
        /// 422: the `Idempotency-Key` filed a complaint with another body.
        IdempotencyKeyReused => "idempotency_key_reused",
    }
}

impl ProblemKind {
    pub fn status(self) -> StatusCode {
        match self {
            ProblemKind::BadRequest
            | ProblemKind::MalformedJson
            | ProblemKind::InvalidQuery
            | ProblemKind::InvalidCursor
            | ProblemKind::IdempotencyKeyMissing => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ProblemKind::StateConflict | ProblemKind::Changed => StatusCode::CONFLICT,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::InvalidBody | ProblemKind::Validation | ProblemKind::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ProblemKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::Internal | ProblemKind::Other => StatusCode::INTERNAL_SERVER_ERROR,
            ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The catalog key of what this kind of problem means, in general.
    pub fn description_key(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "api.detail_bad_request",
            ProblemKind::MalformedJson => "api.detail_malformed_json",
            ProblemKind::InvalidQuery => "api.detail_invalid_query",
            ProblemKind::InvalidCursor => "api.detail_invalid_cursor",
            ProblemKind::Unauthorized => "api.detail_unauthorized",
            ProblemKind::Forbidden => "api.detail_forbidden",
            ProblemKind::NotFound => "api.detail_not_found",
            ProblemKind::MethodNotAllowed => "api.detail_method_not_allowed",
            ProblemKind::RequestTimeout => "api.detail_request_timeout",
            ProblemKind::StateConflict => "api.detail_state_conflict",
            ProblemKind::Changed => "api.detail_changed",
            ProblemKind::PayloadTooLarge => "api.detail_payload_too_large",
            ProblemKind::UnsupportedMediaType => "api.detail_unsupported_media_type",
            ProblemKind::InvalidBody => "api.detail_invalid_body",
            ProblemKind::Validation => "api.detail_validation",
            ProblemKind::RateLimited => "api.detail_rate_limited",
            ProblemKind::Internal => "api.detail_internal",
            ProblemKind::Unavailable => "api.detail_unavailable",
            ProblemKind::Other => "api.detail_other",
            ProblemKind::IdempotencyKeyMissing => "api_platform.detail_idempotency_key_missing",
            ProblemKind::IdempotencyKeyReused => "api_platform.detail_idempotency_key_reused",
        }
    }

    /// The kind a bare error status stands for.
    pub fn of_status(status: StatusCode) -> ProblemKind {
        match status.as_u16() {
            400 => ProblemKind::BadRequest,
            401 => ProblemKind::Unauthorized,
            403 => ProblemKind::Forbidden,
            404 => ProblemKind::NotFound,
            405 => ProblemKind::MethodNotAllowed,
            408 => ProblemKind::RequestTimeout,
            409 => ProblemKind::StateConflict,
            413 => ProblemKind::PayloadTooLarge,
            415 => ProblemKind::UnsupportedMediaType,
            422 => ProblemKind::Validation,
            429 => ProblemKind::RateLimited,
            500 => ProblemKind::Internal,
            503 => ProblemKind::Unavailable,
            _ => ProblemKind::Other,
        }
    }

    /// This kind's `type`.
    pub fn uri(self) -> String {
        format!("{TYPE_BASE}{}", self.slug())
    }
}

/// One refused field of a request body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name in the request body.
    pub field: String,
    /// What is wrong, for machines: a stable code such as `error.required`.
    pub code: String,
    /// What is wrong, in the caller's language.
    pub message: String,
}

/// A problem details object (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Identifies the kind of problem: `/api/v1/problems/<slug>`, a
    /// reference resolved against the API's address; `GET` it for what it
    /// means. Stable: clients may rely on it.
    #[serde(rename = "type")]
    pub kind_uri: String,
    /// The kind of problem in words (the same for every occurrence, in the
    /// caller's language).
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// The fields refused, for `validation` (otherwise empty).
    pub errors: Vec<FieldProblem>,
    #[serde(skip)]
    #[schema(ignore)]
    pub kind: Option<ProblemKind>,
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after: Option<i64>,
}

/// The caller's language, as the site chose it for this request.
pub fn lang_of(req: &HttpRequest) -> Lang {
    req.extensions().get::<Lang>().copied().unwrap_or(Lang::ZhCn)
}

impl Problem {
    /// A problem of `kind`, in `t`'s language, with its general detail.
    pub fn new(t: &Tr, kind: ProblemKind) -> Problem {
        Problem {
            kind_uri: kind.uri(),
            title: t.get(kind.key()).to_owned(),
            status: kind.status().as_u16(),
            detail: t.get(kind.description_key()).to_owned(),
            errors: Vec::new(),
            kind: Some(kind),
            retry_after: None,
        }
    }

    /// A problem of `kind` for `req`, in its caller's language.
    pub fn of(req: &HttpRequest, kind: ProblemKind) -> Problem {
        Problem::new(&lang_of(req).tr(), kind)
    }

    /// This occurrence's detail instead of the general one.
    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = detail.into();
        self
    }

    /// `Retry-After`, in whole seconds.
    pub fn retry_after(mut self, seconds: i64) -> Problem {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// 422 with the fields `errors` names, as the site words them.
    pub fn fields(t: &Tr, errors: &FieldErrors) -> Problem {
        let mut p = Problem::new(t, ProblemKind::Validation);
        p.errors = errors
            .0
            .iter()
            .map(|(field, why)| FieldProblem {
                field: field.slug().to_owned(),
                code: why.key().to_owned(),
                message: t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]),
            })
            .collect();
        p
    }

    /// 422 for one field, with a message already in the caller's language.
    pub fn field(t: &Tr, field: &str, code: &str, message: String) -> Problem {
        let mut p = Problem::new(t, ProblemKind::Validation);
        p.errors.push(FieldProblem { field: field.to_owned(), code: code.to_owned(), message });
        p
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, CONTENT_TYPE));
        if self.kind == Some(ProblemKind::Unauthorized) {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"redress\""));
        }
        if let Some(s) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, HeaderValue::from(s)));
        }
        res.body(serde_json::to_string(self).unwrap_or_default())
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.kind_uri, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }

    fn error_response(&self) -> HttpResponse {
        self.response()
    }
}

/// Whether an answer is already JSON (a problem, or data).
fn is_json(res: &ServiceResponse<BoxBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(CONTENT_TYPE) || v.starts_with("application/json"))
}

/// An error answer under `/api/` that is not a problem yet (a bare error
/// of a handler, an extractor, the router or the site's middleware): the
/// problem of its status, keeping its headers (`Retry-After`, `Allow`).
pub fn bare(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    if res.status().as_u16() < 400 || is_json(&res) {
        return res;
    }
    let (req, old) = res.into_parts();
    let status = old.status();
    let mut problem = Problem::of(&req, ProblemKind::of_status(status));
    problem.status = status.as_u16();
    let mut new = problem.response();
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::{Field, Invalid};

    #[test]
    fn each_kind_has_a_stable_type_and_an_error_status() {
        for kind in ProblemKind::ALL {
            assert_eq!(kind.uri(), format!("/api/v1/problems/{}", kind.slug()));
            assert!(kind.status().as_u16() >= 400);
            if *kind != ProblemKind::Other {
                assert_eq!(ProblemKind::of_status(kind.status()).status(), kind.status());
            }
        }
    }

    #[test]
    fn field_errors_are_listed_in_the_callers_language() {
        let mut errors = FieldErrors::default();
        errors.add(Field::Body, Invalid::TooLong { max: 2000 });
        let p = Problem::fields(&Lang::En.tr(), &errors);
        assert_eq!(p.status, 422);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["type"], "/api/v1/problems/validation");
        assert_eq!(json["errors"][0]["field"], "body");
        assert_eq!(json["errors"][0]["code"], "error.too_long");
        assert_eq!(json["errors"][0]["message"], "At most 2000 characters.");
        assert!(json.get("kind").is_none() && json.get("retry_after").is_none());
    }
}

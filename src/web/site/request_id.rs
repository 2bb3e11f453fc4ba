//! The request's id: the proxy's `X-Request-Id`, or a new one, in every
//! log line of the request and in the answer.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use rand::Rng;

/// The id of a request, in its log lines and its `X-Request-Id` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The proxy's id when it sent a sane one (nginx's `$request_id` is 32
    /// hex digits), so that its log and ours can be joined; else a new one.
    pub fn of(req: &ServiceRequest) -> RequestId {
        let given = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).filter(|v| {
            (1..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        });
        RequestId(given.map(str::to_owned).unwrap_or_else(|| format!("{:016x}", rand::rng().random::<u64>())))
    }

    /// The answer returns the id.
    pub fn stamp(&self, res: &mut ServiceResponse<BoxBody>) {
        if let Ok(value) = HeaderValue::from_str(&self.0) {
            res.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
        }
    }
}

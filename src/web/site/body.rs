//! The body's deadline: a request whose body does not arrive in time is
//! answered 408, and its connection is not reused.

use std::rc::Rc;

use actix_web::HttpResponse;
use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;

use crate::web::deadline::{Allowance, Deadline};

/// Puts a request that says a body follows under its deadline; what comes
/// back tells whether the deadline passed.
pub fn watch(req: &mut ServiceRequest) -> Option<Late> {
    has_body(req)
        .then(|| req.app_data::<actix_web::web::Data<crate::web::AppState>>().map(|s| allowance(req, &s.config)))
        .flatten()
        .map(|allowed| Late(Deadline::wrap(req, allowed)))
}

/// Whether a request's body missed its deadline (known once it is handled).
pub struct Late(Rc<std::cell::Cell<bool>>);

impl Late {
    pub fn passed(&self) -> bool {
        self.0.get()
    }
}

/// Whatever the handler made of the cut-off body, the answer is that it
/// did not arrive in time.
pub fn timed_out(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    res.into_response(HttpResponse::RequestTimeout().finish())
}

/// The rest of the body may still be on its way: not read, so the
/// connection is not reused.
pub fn close(res: &mut ServiceResponse<BoxBody>) {
    res.response_mut().head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
}

/// How long the request's body may take (see `deadline`): without a
/// `Content-Length`, the base timeout only.
fn allowance(req: &ServiceRequest, config: &crate::config::Config) -> Allowance {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|_| !req.headers().contains_key(header::TRANSFER_ENCODING))
        .unwrap_or(0);
    Allowance { base: config.body_timeout, rate: config.body_min_rate, declared }
}

/// Whether the request says a body follows.
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers.get(header::CONTENT_LENGTH).is_some_and(|v| v.as_bytes() != b"0")
}

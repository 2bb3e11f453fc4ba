//! Error answers as pages in the site's layout: a handler's or an
//! extractor's bare error becomes the error page of its status.

use actix_web::HttpMessage;
use actix_web::HttpResponse;
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;

use super::RequestId;
use crate::web::page::{ErrorPage, PageCtx, render};

/// The error page for a bare error response; anything else as it is.
/// Under `/api/`, the error is a problem (`application/problem+json`)
/// rather than a page.
pub fn as_page(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    if res.request().path().starts_with("/api/") {
        return crate::web::api::problem::bare(res);
    }
    if res.status().as_u16() >= 400 && !is_page_or_data(&res) { error_page(res) } else { res }
}

/// A page of ours, or data for a machine (`/healthz`): left as it is.
fn is_page_or_data(res: &ServiceResponse<BoxBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"))
}

/// Replaces a bare error response with the error page, keeping its status
/// and headers such as `Retry-After`.
fn error_page(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let (req, old) = res.into_parts();
    let status = old.status();
    let id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let page = ErrorPage::new(PageCtx::new(&req), status, id.as_deref());
    let mut new = render(status, &page).unwrap_or_else(|_| HttpResponse::build(status).finish());
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, new)
}

//! The security headers every answer carries, and HSTS over https.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};

/// `Strict-Transport-Security` for a site served over https.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Whether the site is served over https (`REDRESS_PUBLIC_URL` says so);
/// then its cookies are `Secure` and its answers carry HSTS.
pub fn https(req: &actix_web::HttpRequest) -> bool {
    req.app_data::<actix_web::web::Data<crate::web::AppState>>()
        .and_then(|s| s.config.public_url.as_deref())
        .is_some_and(|u| u.starts_with("https://"))
}

pub fn secure(res: &mut ServiceResponse<BoxBody>) {
    let secure = https(res.request());
    let headers = res.headers_mut();
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        headers.insert(header::HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if secure {
        // Browsers that once reached us over https never fall back to
        // plain http, where a network could read or change the page.
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
}

//! The middleware every request passes: chooses the language (`?lang=`,
//! then the `lang` cookie, then `Accept-Language`), renders error pages in
//! the site layout, sets security headers, gives the request an id (the
//! proxy's `X-Request-Id`, or a new one) that every log line of the request
//! carries and the response returns, counts and times it for `/metrics`,
//! and logs it with the tracking token redacted.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use rand::Rng;
use tracing::Instrument;

use super::page::{ErrorPage, PageCtx, render};
use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "lang";

/// The longest method and path a log line holds.
const LOGGED_MAX: usize = 200;

pub async fn site(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = RequestId::of(&req);
    let span = tracing::info_span!("request", id = %id.0);
    req.extensions_mut().insert(id.clone());
    let chosen = req.query_string().split('&').find_map(|p| p.strip_prefix("lang=")).and_then(Lang::from_code);
    let lang =
        chosen.or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::from_code(c.value()))).unwrap_or_else(|| {
            Lang::negotiate(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
        });
    req.extensions_mut().insert(lang);
    // A client chooses both (a 60,000-character method, a path of
    // megabytes): the log keeps their start only.
    let method = super::metrics::bounded(req.method().as_str(), LOGGED_MAX).to_owned();
    let path = super::metrics::bounded(&redact(req.path()), LOGGED_MAX).to_owned();
    let late = has_body(&req)
        .then(|| req.app_data::<actix_web::web::Data<super::AppState>>().map(|s| allowance(&req, &s.config)))
        .flatten()
        .map(|allowed| super::deadline::Deadline::wrap(&mut req, allowed));
    // Handlers' and extractors' errors arrive here as responses; only a
    // failing middleware would return `Err`, which actix renders itself.
    let mut res = next.call(req).instrument(span.clone()).await?.map_into_boxed_body();
    let timed_out = late.is_some_and(|l| l.get());
    if timed_out {
        // Whatever the handler made of the cut-off body, the answer is
        // that it did not arrive in time.
        res = res.into_response(HttpResponse::RequestTimeout().finish());
    }
    if res.status().as_u16() >= 400 && !is_page_or_data(&res) {
        res = error_page(res);
    }
    if timed_out {
        // The rest of the body may still be on its way: not read, so the
        // connection is not reused.
        res.response_mut().head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
    }
    if let Some(cookie) = super::csrf::fresh_cookie(res.request()) {
        let _ = res.response_mut().add_cookie(&cookie);
    }
    if let Some(lang) = chosen {
        let cookie = Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::days(365))
            .finish();
        let _ = res.response_mut().add_cookie(&cookie);
    }
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
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        headers.insert(header::HeaderName::from_static("x-request-id"), value);
    }
    let status = res.status().as_u16();
    let elapsed = started.elapsed();
    if let Some(state) = res.request().app_data::<actix_web::web::Data<super::AppState>>() {
        state.metrics.observe(
            res.request().method().as_str(),
            res.request().match_pattern().as_deref(),
            status,
            elapsed.as_secs_f64(),
        );
    }
    span.in_scope(|| tracing::info!(%method, %path, status, ms = elapsed.as_millis() as u64, "request"));
    Ok(res)
}

/// How long the request's body may take (see `deadline`): without a
/// `Content-Length`, the base timeout only.
fn allowance(req: &ServiceRequest, config: &crate::config::Config) -> super::deadline::Allowance {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|_| !req.headers().contains_key(header::TRANSFER_ENCODING))
        .unwrap_or(0);
    super::deadline::Allowance { base: config.body_timeout, rate: config.body_min_rate, declared }
}

/// Whether the request says a body follows.
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers.get(header::CONTENT_LENGTH).is_some_and(|v| v.as_bytes() != b"0")
}

/// `Strict-Transport-Security` for a site served over https.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Whether the site is served over https (`REDRESS_PUBLIC_URL` says so);
/// then its cookies are `Secure` and its answers carry HSTS.
pub fn https(req: &actix_web::HttpRequest) -> bool {
    req.app_data::<actix_web::web::Data<super::AppState>>()
        .and_then(|s| s.config.public_url.as_deref())
        .is_some_and(|u| u.starts_with("https://"))
}

/// The id of a request, in its log lines and its `X-Request-Id` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The proxy's id when it sent a sane one (nginx's `$request_id` is 32
    /// hex digits), so that its log and ours can be joined; else a new one.
    fn of(req: &ServiceRequest) -> RequestId {
        let given = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).filter(|v| {
            (1..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        });
        RequestId(given.map(str::to_owned).unwrap_or_else(|| format!("{:016x}", rand::rng().random::<u64>())))
    }
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

/// The tracking token is a password: it never reaches the logs.
pub fn redact(path: &str) -> String {
    match path.strip_prefix("/t/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, tail)) => format!("/t/[token]/{tail}"),
            None => "/t/[token]".into(),
        },
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, site};
    use crate::error::AppError;
    use actix_web::middleware::from_fn;
    use actix_web::test as http;
    use actix_web::{App, HttpResponse, web};

    #[actix_web::test]
    async fn failures_become_error_pages_that_keep_their_status_and_hide_the_cause() {
        let app = http::init_service(
            App::new()
                .wrap(from_fn(site))
                .route("/boom", web::get().to(|| async { Err::<HttpResponse, _>(AppError::internal("disk on fire")) }))
                .route(
                    "/busy",
                    web::get().to(|| async { Err::<HttpResponse, _>(AppError::Unavailable("locked".into())) }),
                ),
        )
        .await;
        let res = http::call_service(&app, http::TestRequest::get().uri("/boom").to_request()).await;
        assert_eq!(res.status(), 500);
        let body = String::from_utf8(http::read_body(res).await.to_vec()).unwrap();
        assert!(body.contains("出错了") && body.contains("class=\"site-header site-header--consumer\""));
        assert!(!body.contains("disk on fire"));

        let res = http::call_service(&app, http::TestRequest::get().uri("/busy?lang=en").to_request()).await;
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers().get("retry-after").unwrap(), "5");
        let id = res.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
        let body = String::from_utf8(http::read_body(res).await.to_vec()).unwrap();
        assert!(body.contains("Temporarily unavailable"));
        assert!(body.contains(&format!("quote the request number <code>{id}</code>")), "{body}");
    }

    #[test]
    fn tokens_are_redacted() {
        assert_eq!(redact("/t/AbC123xyz"), "/t/[token]");
        assert_eq!(redact("/t/AbC123xyz/send-link"), "/t/[token]/send-link");
        assert_eq!(redact("/complaints/new"), "/complaints/new");
    }
}

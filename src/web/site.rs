//! The middleware every request passes, one job after another, each in a
//! file of its own under `site/`: it gives the request an id (the proxy's
//! `X-Request-Id`, or a new one) that every log line of the request carries
//! and the answer returns (`request_id`); chooses the language (`?lang=`,
//! then the `lang` cookie, then `Accept-Language`: `lang`); holds the body
//! to its deadline (`body`); renders error pages in the site layout
//! (`errors`); sets the security headers (`headers`); and counts, times and
//! logs the request with the tracking token redacted (`log`).

mod body;
mod errors;
mod headers;
mod lang;
mod log;
mod request_id;

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;

pub use headers::https;
pub use lang::LANG_COOKIE;
pub use log::redact;
pub use request_id::RequestId;

pub async fn site(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = RequestId::of(&req);
    let span = tracing::info_span!("request", id = %id.0);
    req.extensions_mut().insert(id.clone());
    let (chosen, lang) = lang::choose(&req);
    let logged = log::Logged::of(&req, started);
    let late = body::watch(&mut req);
    // Handlers' and extractors' errors arrive here as responses; only a
    // failing middleware would return `Err`, which actix renders itself.
    let mut res = next.call(req).instrument(span.clone()).await?.map_into_boxed_body();
    let timed_out = late.is_some_and(|l| l.passed());
    if timed_out {
        res = body::timed_out(res);
    }
    res = errors::as_page(res);
    if timed_out {
        body::close(&mut res);
    }
    if let Some(cookie) = super::csrf::fresh_cookie(res.request()) {
        let _ = res.response_mut().add_cookie(&cookie);
    }
    lang::remember(&mut res, chosen);
    headers::secure(&mut res);
    lang::content_language(&mut res, lang);
    id.stamp(&mut res);
    logged.answered(&res, &span);
    Ok(res)
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

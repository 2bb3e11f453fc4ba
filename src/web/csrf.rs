//! CSRF protection for forms without a session (double-submit): a random
//! token in a `SameSite=Strict`, `HttpOnly` cookie, repeated in a hidden
//! `csrf_token` field; a POST is accepted only when the two match.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpMessage, HttpRequest};

use crate::service::complaints::new_token;

pub const COOKIE: &str = "redress_csrf";
pub const FIELD: &str = "csrf_token";

/// A token this request created; the site middleware sets its cookie.
#[derive(Clone)]
struct Fresh(Cookie<'static>);

/// The visitor's token for a form's hidden field. A visitor without one
/// gets a new one, and the response sets the cookie.
pub fn token(req: &HttpRequest) -> String {
    if let Some(Fresh(cookie)) = req.extensions().get::<Fresh>() {
        return cookie.value().to_owned();
    }
    if let Some(existing) = req.cookie(COOKIE).map(|c| c.value().to_owned()).filter(|v| v.len() >= 20) {
        return existing;
    }
    renew(req)
}

/// Replaces the visitor's token, so that every staff session has its own
/// (called on sign-in and sign-out).
pub fn renew(req: &HttpRequest) -> String {
    let fresh = new_token();
    let cookie = Cookie::build(COOKIE, fresh.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        // Like the session cookie: never sent over plain http once the
        // site is served over https.
        .secure(super::site::https(req))
        .finish();
    req.extensions_mut().insert(Fresh(cookie));
    fresh
}

/// The cookie to set on the response when this request created a token.
pub fn fresh_cookie(req: &HttpRequest) -> Option<Cookie<'static>> {
    req.extensions().get::<Fresh>().map(|f| f.0.clone())
}

/// Whether the submitted field matches the cookie.
pub fn verify(req: &HttpRequest, submitted: &str) -> bool {
    match req.cookie(COOKIE) {
        Some(cookie) => !submitted.is_empty() && constant_time_eq(cookie.value().as_bytes(), submitted.as_bytes()),
        None => false,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn matches_only_the_cookie() {
        let req = TestRequest::default().cookie(Cookie::new(COOKIE, "abcdefghijklmnopqrstuvwx")).to_http_request();
        assert!(verify(&req, "abcdefghijklmnopqrstuvwx"));
        assert!(!verify(&req, "abcdefghijklmnopqrstuvwy"));
        assert!(!verify(&req, ""));
        let bare = TestRequest::default().to_http_request();
        assert!(!verify(&bare, "abcdefghijklmnopqrstuvwx"));
        let fresh = token(&bare);
        assert_eq!(fresh_cookie(&bare).unwrap().value(), fresh);
        assert_eq!(token(&bare), fresh, "one token per request");
        assert_eq!(token(&req), "abcdefghijklmnopqrstuvwx");
        assert!(fresh_cookie(&req).is_none());
    }
}

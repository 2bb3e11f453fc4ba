//! CSRF protection for forms without a session (double-submit): a random
//! token in a `SameSite=Strict`, `HttpOnly` cookie, repeated in a hidden
//! `csrf_token` field; a POST is accepted only when the two match.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

use crate::service::complaints::new_token;

pub const COOKIE: &str = "redress_csrf";
pub const FIELD: &str = "csrf_token";

/// The visitor's token, and the cookie to set when it is new.
pub fn token(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    match req
        .cookie(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 20)
    {
        Some(existing) => (existing, None),
        None => {
            let fresh = new_token();
            let cookie = Cookie::build(COOKIE, fresh.clone())
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .finish();
            (fresh, Some(cookie))
        }
    }
}

/// Whether the submitted field matches the cookie.
pub fn verify(req: &HttpRequest, submitted: &str) -> bool {
    match req.cookie(COOKIE) {
        Some(cookie) => {
            !submitted.is_empty()
                && constant_time_eq(cookie.value().as_bytes(), submitted.as_bytes())
        }
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
        let req = TestRequest::default()
            .cookie(Cookie::new(COOKIE, "abcdefghijklmnopqrstuvwx"))
            .to_http_request();
        assert!(verify(&req, "abcdefghijklmnopqrstuvwx"));
        assert!(!verify(&req, "abcdefghijklmnopqrstuvwy"));
        assert!(!verify(&req, ""));
        let bare = TestRequest::default().to_http_request();
        assert!(!verify(&bare, "abcdefghijklmnopqrstuvwx"));
        let (fresh, cookie) = token(&bare);
        assert_eq!(cookie.unwrap().value(), fresh);
        assert_eq!(token(&req), ("abcdefghijklmnopqrstuvwx".into(), None));
    }
}

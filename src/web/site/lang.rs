//! The page's language: `?lang=` (then remembered in a cookie), else the
//! `lang` cookie, else `Accept-Language`; the answer says which it is.

use actix_web::HttpMessage;
use actix_web::body::BoxBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};

use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "lang";

/// The language chosen with `?lang=` on this request, if any, and the
/// language of the answer; stored with the request for the pages.
pub fn choose(req: &ServiceRequest) -> (Option<Lang>, Lang) {
    let chosen = req.query_string().split('&').find_map(|p| p.strip_prefix("lang=")).and_then(Lang::from_code);
    let lang =
        chosen.or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::from_code(c.value()))).unwrap_or_else(|| {
            Lang::negotiate(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
        });
    req.extensions_mut().insert(lang);
    (chosen, lang)
}

/// A language chosen with `?lang=` is kept for a year.
pub fn remember(res: &mut ServiceResponse<BoxBody>, chosen: Option<Lang>) {
    if let Some(lang) = chosen {
        let cookie = Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::days(365))
            .finish();
        let _ = res.response_mut().add_cookie(&cookie);
    }
}

pub fn content_language(res: &mut ServiceResponse<BoxBody>, lang: Lang) {
    res.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
}

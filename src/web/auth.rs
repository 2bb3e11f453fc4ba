//! Staff sign-in and sign-out.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use super::limit::{self, Scope};
use super::page::{PageCtx, render};
use super::session::{self, Current, Staff};
use super::view::FieldView;
use super::{AppState, csrf, form};
use crate::error::AppError;
use crate::service::auth::{self, SignInError};
use crate::service::sessions;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login_form).service(login).service(logout);
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageCtx,
    email: FieldView,
    password: FieldView,
    next: String,
    notice: Option<String>,
    csrf: String,
}

/// Only a path on this site: `/merchant/complaints/TS1?x=1`, not
/// `//evil.example`, `/\evil`, `https://…`, or anything with white space
/// or a control character, which browsers drop or mend until the path
/// names another host. The same holds of its percent-decoded forms
/// (`/%2F/evil`, `/%5Cevil`, `/%09/evil`).
pub fn safe_next(next: &str) -> Option<&str> {
    let plain = |s: &str| {
        s.starts_with('/') && !s.contains("//") && !s.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    };
    let mut text = std::borrow::Cow::Borrowed(next);
    // Each round decodes once more, until nothing changes (a few rounds at
    // most for any real path; more is refused).
    for _ in 0..4 {
        if !plain(&text) {
            return None;
        }
        let decoded = percent_encoding::percent_decode_str(&text).decode_utf8_lossy().into_owned();
        if decoded == *text {
            return Some(next);
        }
        text = std::borrow::Cow::Owned(decoded);
    }
    None
}

fn page(
    req: &HttpRequest,
    status: StatusCode,
    email: &str,
    next: &str,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = LoginPage {
        email: FieldView::new(&t, "login.email", email, None),
        password: FieldView::new(&t, "login.password", "", None),
        next: safe_next(next).unwrap_or("").to_owned(),
        notice,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/login")]
pub async fn login_form(
    req: HttpRequest,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    if let Some(staff) = Staff::current(&req) {
        return Ok(HttpResponse::SeeOther().insert_header(("Location", staff.home())).finish());
    }
    page(&req, StatusCode::OK, "", query.get("next").map_or("", String::as_str), None)
}

#[post("/login")]
pub async fn login(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fields = form::read(&req, body).await?;
    let (email, password, next) = (fields.get("email"), fields.get("password"), fields.get("next"));
    let t = PageCtx::new(&req).t;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return page(&req, StatusCode::FORBIDDEN, &email, &next, Some(t.get("error.csrf_action").to_owned()));
    }
    if let Err(wait) = state.limiter.check(Scope::SignIns, &req, state.clock.now()) {
        let notice = t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]);
        let mut res = page(&req, StatusCode::TOO_MANY_REQUESTS, &email, &next, Some(notice))?;
        limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    // Failures slow the next attempts down, by account and address (behind
    // a trusted proxy, the client's), unless sign-in limits are off.
    let address = state.limiter.client(&req).to_string();
    let throttle = state.config.rate_limits.sign_ins.is_some();
    let (typed, now) = (email.clone(), state.clock.now());
    let result = state
        .db(move |conn| {
            let attempt = auth::Attempt { email: &typed, password: &password, address: &address, throttle, now };
            Ok(auth::sign_in(conn, &attempt))
        })
        .await?;
    match result {
        Ok(who) => {
            let home = Staff::from(who.clone()).home();
            let to = safe_next(&next).unwrap_or(home).to_owned();
            // The session begins there, at once or after the second step.
            super::two_factor::after_password(&req, &session, &state, who, to).await
        }
        Err(SignInError::Invalid) => {
            page(&req, StatusCode::UNPROCESSABLE_ENTITY, &email, &next, Some(t.get("login.invalid").to_owned()))
        }
        Err(SignInError::Throttled { retry_after }) => {
            let seconds = limit::seconds(retry_after);
            let notice = if seconds < 60 {
                t.fmt("login.slowed", &[("n", &seconds)])
            } else {
                t.fmt("login.throttled", &[("n", &((seconds + 59) / 60))])
            };
            let mut res = page(&req, StatusCode::TOO_MANY_REQUESTS, &email, &next, Some(notice))?;
            limit::retry_after(&mut res, retry_after);
            Ok(res)
        }
        Err(SignInError::Db(e)) => Err(e.into()),
    }
}

/// Signing out ends the session on the server too: its cookie, replayed,
/// opens nothing.
#[post("/logout")]
pub async fn logout(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fields = form::read(&req, body).await?;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return Err(AppError::Forbidden);
    }
    let current = req.extensions().get::<Current>().cloned();
    if let Some(current) = current {
        let (actor, now) = (state.actor(&req, &current.staff), state.clock.now());
        state.write(move |conn| Ok(sessions::end(conn, current.session_id, &actor, now)?)).await?;
    }
    Ok(session::signed_out(&req, &session))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/merchant/complaints/TS1?x=1"), Some("/merchant/complaints/TS1?x=1"));
        assert_eq!(safe_next("/merchant?q=%E6%9D%AD%E5%B7%9E"), Some("/merchant?q=%E6%9D%AD%E5%B7%9E"));
        let bad = [
            "//evil.example/",
            "https://evil.example/",
            "evil",
            "/\\evil.example",
            "",
            "/\t/evil.example/",
            "/%09/evil.example/",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%0d%0aSet-Cookie:x=1",
            "/merchant\r\nX: y",
            "/ /evil.example",
            "/%20/evil.example",
            "/%252F/evil.example",
            "/a//b",
        ];
        for bad in bad {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}

//! Staff sign-in and sign-out.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::form::{CsrfForm, Forged};
use super::limit::{self, Scope};
use super::page::{PageCtx, render};
use super::refusal::{Refusal, Refuse};
use super::session::{self, Current, Staff};
use super::view::FieldView;
use super::{AppState, csrf};
use crate::error::AppError;
use crate::service::auth::{self, SignInError, SignedIn};
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

/// `?next=…`: where the form sends the browser once signed in (checked by
/// [`safe_next`]); none is the staff member's home.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Next {
    next: String,
}

#[get("/login")]
pub async fn login_form(req: HttpRequest, query: web::Query<Next>) -> Result<HttpResponse, AppError> {
    if let Some(staff) = Staff::current(&req) {
        return Ok(HttpResponse::SeeOther().insert_header(("Location", staff.home())).finish());
    }
    page(&req, StatusCode::OK, "", &query.next, None)
}

/// The sign-in form's fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInFields {
    email: String,
    password: String,
    /// Where to go afterwards (checked by [`safe_next`]).
    next: String,
}

#[post("/login")]
pub async fn login(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    form: CsrfForm<SignInFields>,
) -> Result<HttpResponse, AppError> {
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refused(&req, &posted.fields, Refusal::FORGED),
    };
    if let Err(wait) = state.limiter.check(Scope::SignIns, &req, state.clock.now()) {
        let notice = PageCtx::new(&req).t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]);
        let res = page(&req, StatusCode::TOO_MANY_REQUESTS, &fields.email, &fields.next, Some(notice));
        return waiting(res, Some(wait));
    }
    match sign_in(&state, &req, &fields).await? {
        Ok(who) => {
            let home = Staff::from(who.clone()).home();
            let to = safe_next(&fields.next).unwrap_or(home).to_owned();
            // The session begins there, at once or after the second step.
            super::two_factor::after_password(&req, &session, &state, who, to).await
        }
        Err(e) => {
            let wait = match &e {
                SignInError::Throttled { retry_after } => Some(*retry_after),
                SignInError::Invalid | SignInError::Db(_) => None,
            };
            waiting(refused(&req, &fields, e.refusal()?), wait)
        }
    }
}

/// One attempt with the password typed. Failures slow the next attempts
/// down, by account and address (behind a trusted proxy, the client's),
/// unless sign-in limits are off.
async fn sign_in(
    state: &AppState,
    req: &HttpRequest,
    fields: &SignInFields,
) -> Result<Result<SignedIn, SignInError>, AppError> {
    let address = state.limiter.client(req).to_string();
    let throttle = state.config.rate_limits.sign_ins.is_some();
    let (email, password, now) = (fields.email.clone(), fields.password.clone(), state.clock.now());
    state
        .db(move |conn| {
            let attempt = auth::Attempt { email: &email, password: &password, address: &address, throttle, now };
            Ok(auth::sign_in(conn, &attempt))
        })
        .await
}

/// The form again with `refusal`'s message, the e-mail and where to go
/// kept (the password never is).
fn refused(req: &HttpRequest, fields: &SignInFields, refusal: Refusal) -> Result<HttpResponse, AppError> {
    let notice = refusal.message(&PageCtx::new(req).t);
    page(req, refusal.status, &fields.email, &fields.next, Some(notice))
}

/// `res`, saying when to try again.
fn waiting(res: Result<HttpResponse, AppError>, wait: Option<Duration>) -> Result<HttpResponse, AppError> {
    res.map(|mut res| {
        if let Some(wait) = wait {
            limit::retry_after(&mut res, wait);
        }
        res
    })
}

/// Signing out ends the session on the server too: its cookie, replayed,
/// opens nothing.
#[post("/logout")]
pub async fn logout(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    form: CsrfForm<IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    form.or_forbidden()?;
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

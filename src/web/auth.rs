//! Staff sign-in and sign-out.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use super::limit::{self, Scope};
use super::page::{PageCtx, render};
use super::session::{self, Staff};
use super::view::FieldView;
use super::{AppState, csrf, form};
use crate::error::AppError;
use crate::service::auth::{self, SignInError};

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

/// Only our own paths: `/merchant`, not `//evil.example` or `https://…`.
fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
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
        email: FieldView::new(&t, "login", "email", email, None),
        password: FieldView::new(&t, "login", "password", "", None),
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
    session: Session,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    if let Some(staff) = Staff::from_session(&session) {
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
    // Failures are counted by address too (behind a trusted proxy, the
    // client's), and close sign-in for a while.
    let address = state.limiter.client(&req).to_string();
    let (typed, clock) = (email.clone(), state.clock.clone());
    let result = state.db(move |conn| Ok(auth::sign_in(conn, &typed, &password, &address, clock.now()))).await?;
    match result {
        Ok(who) => {
            let home = if who.role == crate::domain::staff::Role::Merchant { "/merchant" } else { "/supervisor" };
            let to = safe_next(&next).unwrap_or(home).to_owned();
            // The session begins there, at once or after the second step.
            super::two_factor::after_password(&req, &session, &state, who, to).await
        }
        Err(SignInError::Invalid) => {
            page(&req, StatusCode::UNPROCESSABLE_ENTITY, &email, &next, Some(t.get("login.invalid").to_owned()))
        }
        Err(SignInError::Throttled { retry_after }) => {
            let minutes = (retry_after.num_seconds() + 59) / 60;
            let notice = t.fmt("login.throttled", &[("n", &minutes)]);
            let mut res = page(&req, StatusCode::TOO_MANY_REQUESTS, &email, &next, Some(notice))?;
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(retry_after.num_seconds().max(1)),
            );
            Ok(res)
        }
        Err(SignInError::Db(e)) => Err(e.into()),
    }
}

#[post("/logout")]
pub async fn logout(req: HttpRequest, session: Session, body: web::Payload) -> Result<HttpResponse, AppError> {
    let fields = form::read(&req, body).await?;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return Err(AppError::Forbidden);
    }
    session::end(&session);
    csrf::renew(&req);
    Ok(HttpResponse::SeeOther().insert_header(("Location", "/login")).finish())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/merchant/complaints/TS1?x=1"), Some("/merchant/complaints/TS1?x=1"));
        for bad in ["//evil.example/", "https://evil.example/", "evil", "/\\evil.example", ""] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }
}

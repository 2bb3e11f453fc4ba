//! A staff member's own account: changing the password (which ends the
//! account's other sessions) and signing out everywhere.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::form::{CsrfForm, Posted};
use super::limit::{self, Scope};
use super::page::{PageCtx, render};
use super::refusal::{Refusal, Refuse};
use super::session::{self, Current};
use super::view::FieldView;
use super::{AppState, csrf};
use crate::domain::staff::{PASSWORD_MAX, PASSWORD_MIN};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::sessions;
use crate::store::sessions as stored;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(account).service(change_password).service(sign_out_everywhere);
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageCtx,
    email: String,
    current: FieldView,
    new: FieldView,
    again: FieldView,
    /// A message for the whole form: (text, is an error).
    notice: Option<(String, bool)>,
    /// How many sessions the account has (this one included).
    sessions: i64,
    sessions_text: String,
    csrf: String,
}

/// What is wrong with each field; empty when the change may go ahead.
#[derive(Default)]
struct Errors {
    current: Option<String>,
    new: Option<String>,
    again: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        self.current.is_some() || self.new.is_some() || self.again.is_some()
    }

    /// `refusal`'s message next to its field, or over the form.
    fn refused(t: &Tr, refusal: Refusal) -> (Errors, Option<(String, bool)>) {
        let message = Some(refusal.message(t));
        match refusal.field {
            Some(CURRENT) => (Errors { current: message, ..Errors::default() }, None),
            Some(NEW) => (Errors { new: message, ..Errors::default() }, None),
            Some(AGAIN) => (Errors { again: message, ..Errors::default() }, None),
            _ => (Errors::default(), message.map(|m| (m, true))),
        }
    }
}

/// The form's fields, as named in the page.
const CURRENT: &str = "current_password";
const NEW: &str = "new_password";
const AGAIN: &str = "new_password_again";

/// The form's own checks (the current password is the service's).
fn check(t: &Tr, current: &str, new: &str, again: &str) -> Errors {
    let n = new.chars().count();
    let new_error = if n < PASSWORD_MIN {
        Some(t.fmt("account.password_short", &[("n", &PASSWORD_MIN)]))
    } else if n > PASSWORD_MAX {
        Some(t.fmt("account.password_long", &[("n", &PASSWORD_MAX)]))
    } else if new.trim() != new {
        Some(t.get("account.password_space").to_owned())
    } else if new == current {
        Some(t.get("account.password_same").to_owned())
    } else {
        None
    };
    Errors {
        current: current.is_empty().then(|| t.get("account.current_missing").to_owned()),
        again: (new_error.is_none() && new != again).then(|| t.get("account.password_mismatch").to_owned()),
        new: new_error,
    }
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    me: &Current,
    status: StatusCode,
    errors: Errors,
    notice: Option<(String, bool)>,
) -> Result<HttpResponse, AppError> {
    let user_id = me.staff.user_id;
    let sessions = state.db(move |conn| Ok(stored::count_of_user(conn, user_id)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = AccountPage {
        email: me.staff.email.clone(),
        current: FieldView::new(&t, "account.current_password", "", errors.current),
        new: FieldView::new(&t, "account.new_password", "", errors.new),
        again: FieldView::new(&t, "account.new_password_again", "", errors.again),
        notice,
        sessions,
        sessions_text: t.fmt("account.sessions_count", &[("n", &sessions)]),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/account")]
pub async fn account(
    req: HttpRequest,
    me: Current,
    state: web::Data<AppState>,
    query: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let notice = (query.done == "password").then(|| (t.get("account.password_changed").to_owned(), false));
    page(&req, &state, &me, StatusCode::OK, Errors::default(), notice).await
}

/// The password change form's fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordFields {
    current_password: String,
    new_password: String,
    new_password_again: String,
}

#[post("/account")]
pub async fn change_password(
    req: HttpRequest,
    me: Current,
    state: web::Data<AppState>,
    form: CsrfForm<PasswordFields>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let Ok(Posted { fields, .. }) = form.checked() else {
        let notice = Some((Refusal::FORGED.message(&t), true));
        return page(&req, &state, &me, StatusCode::FORBIDDEN, Errors::default(), notice).await;
    };
    // Guessing the current password from a session left open is held to
    // the sign-in attempts' rate.
    if let Err(wait) = state.limiter.check(Scope::SignIns, &req, state.clock.now()) {
        let notice = Some((t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]), true));
        let mut res = page(&req, &state, &me, StatusCode::TOO_MANY_REQUESTS, Errors::default(), notice).await?;
        limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    let errors = check(&t, &fields.current_password, &fields.new_password, &fields.new_password_again);
    if errors.any() {
        return page(&req, &state, &me, StatusCode::UNPROCESSABLE_ENTITY, errors, None).await;
    }
    let (actor, now, session_id) = (state.actor(&req, &me.staff), state.clock.now(), me.session_id);
    let (current, new) = (fields.current_password, fields.new_password);
    let changed =
        state.db(move |conn| Ok(sessions::change_password(conn, session_id, &actor, &current, &new, now))).await?;
    match changed {
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header(("Location", "/account?done=password")).finish()),
        Err(e) => {
            let refusal = e.refusal()?;
            let (errors, notice) = Errors::refused(&t, refusal);
            page(&req, &state, &me, refusal.status, errors, notice).await
        }
    }
}

/// Ends every session of the account, this one too.
#[post("/account/sign-out-everywhere")]
pub async fn sign_out_everywhere(
    req: HttpRequest,
    me: Current,
    session: Session,
    state: web::Data<AppState>,
    form: CsrfForm<IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    form.or_forbidden()?;
    let (actor, now, user_id) = (state.actor(&req, &me.staff), state.clock.now(), me.staff.user_id);
    state.write(move |conn| Ok(sessions::end_everywhere(conn, user_id, &actor, now)?)).await?;
    Ok(session::signed_out(&req, &session))
}

//! `/account/2fa`: a signed-in staff member's two-step sign-in: turned on
//! here by choice (merchant staff; supervisors when it is not required),
//! shown as on once it is.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use serde::Deserialize;

use super::{NEW_SECRET, bounded, new_secret, pages, seal_key, stored_secret};
use crate::error::AppError;
use crate::service::auth;
use crate::service::two_factor::{self, EnrolError};
use crate::store::two_factor as store;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::limit::{self, Scope};
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::{Current, Staff};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(account).service(account_enrol);
}

const PATH: &str = "/account/2fa";

fn what<'a>(staff: &'a Staff, secret: &'a [u8], password_error: Option<String>) -> pages::Enrol<'a> {
    pages::Enrol { email: &staff.email, secret, required: false, action: PATH, reauth: Some(password_error) }
}

#[get("/account/2fa")]
async fn account(
    req: HttpRequest,
    who: Current,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let staff = who.staff;
    let user_id = staff.user_id;
    let left = state
        .db(move |conn| {
            Ok(match store::find(conn, user_id)? {
                Some(_) => Some(store::recovery_left(conn, user_id)?),
                None => None,
            })
        })
        .await?;
    match left {
        Some(left) => pages::account(&req, left),
        None => {
            let secret = new_secret(&session)?;
            pages::enrol(&req, StatusCode::OK, &what(&staff, &secret, None), "", None)
        }
    }
}

/// The password again, and a code of the new secret.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ReauthFields {
    password: String,
    code: String,
}

#[post("/account/2fa")]
async fn account_enrol(
    req: HttpRequest,
    who: Current,
    session: Session,
    state: web::Data<AppState>,
    form: CsrfForm<ReauthFields>,
) -> Result<HttpResponse, AppError> {
    let sent = form.checked();
    let staff = who.staff;
    let Some(secret) = stored_secret(&session) else {
        return Ok(HttpResponse::SeeOther().insert_header(("Location", PATH)).finish());
    };
    let t = crate::web::page::PageCtx::new(&req).t;
    let (password, typed) = match sent {
        Ok(posted) => (posted.fields.password, bounded(&posted.fields.code)),
        Err(Forged(posted)) => {
            let (typed, notice) = (bounded(&posted.fields.code), Refusal::FORGED.message(&t));
            return pages::enrol(&req, StatusCode::FORBIDDEN, &what(&staff, &secret, None), &typed, Some(notice));
        }
    };
    // The password again, at the pace of sign-ins: a session alone (a
    // borrowed or stolen cookie) must not bind a phone to the account.
    if let Err(wait) = state.limiter.check(Scope::SignIns, &req, state.clock.now()) {
        let error = Some(t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]));
        let mut res = pages::enrol(&req, StatusCode::TOO_MANY_REQUESTS, &what(&staff, &secret, error), &typed, None)?;
        limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    let user_id = staff.user_id;
    if !state.db(move |conn| Ok(auth::password_matches(conn, user_id, &password)?)).await? {
        let error = Some(t.get("two_factor.password_wrong").to_owned());
        return pages::enrol(&req, StatusCode::UNPROCESSABLE_ENTITY, &what(&staff, &secret, error), &typed, None);
    }
    let (key, actor, now) = (seal_key(&state), state.actor(&req, &staff), state.clock.now());
    let (kept, answer) = (secret.clone(), typed.clone());
    let result = state.db(move |conn| Ok(two_factor::enrol(conn, &key, user_id, &kept, &answer, &actor, now))).await?;
    match result {
        Ok(codes) => {
            session.remove(NEW_SECRET);
            pages::recovery(&req, codes, PATH)
        }
        // Turned on meanwhile (another tab): the page says it is on.
        Err(EnrolError::Already) => {
            session.remove(NEW_SECRET);
            Ok(HttpResponse::SeeOther().insert_header(("Location", PATH)).finish())
        }
        Err(e) => {
            let refusal = e.refusal()?;
            let error = Some(refusal.message(&t));
            pages::enrol(&req, refusal.status, &what(&staff, &secret, None), &typed, error)
        }
    }
}

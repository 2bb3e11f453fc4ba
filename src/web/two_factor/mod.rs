//! Two-step sign-in. After a correct password, [`after_password`] either
//! begins the session or keeps a pending sign-in in the (encrypted)
//! session cookie under its own key: bound to the account and to the round
//! the password started, void after five minutes. Only a right code (or,
//! for a supervisor who has none yet, a confirmed enrolment) begins the
//! real session.

mod account;
mod pages;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::form::{CsrfForm, Forged};
use super::limit::{self, Scope};
use super::refusal::{Refusal, Refuse};
use super::session;
use super::{AppState, csrf};
use crate::domain::staff::Role;
use crate::domain::totp;
use crate::error::AppError;
use crate::service::audit::Actor;
use crate::service::auth::SignedIn;
use crate::service::two_factor::{self, AfterPassword, CodeError, SealKey};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(code_form).service(code).service(enrol_form).service(enrol);
    account::routes(cfg);
}

const PENDING: &str = "two_factor_pending";
/// A secret being enrolled, until it is confirmed.
const NEW_SECRET: &str = "two_factor_new_secret";

/// (user id, e-mail, role, merchant, round — `None` while enrolling —,
/// started at, where to go).
type Stored = (i64, String, String, Option<i64>, Option<i64>, i64, String);

struct Pending {
    who: SignedIn,
    round: Option<i64>,
    started: i64,
    to: String,
}

impl Pending {
    fn load(session: &Session) -> Option<Pending> {
        let (user_id, email, role, merchant_id, round, started, to) = session.get::<Stored>(PENDING).ok()??;
        let who = SignedIn { user_id, email, role: Role::from_slug(&role)?, merchant_id };
        Some(Pending { who, round, started, to })
    }

    fn save(&self, session: &Session) -> Result<(), AppError> {
        let w = &self.who;
        let stored: Stored = (
            w.user_id,
            w.email.clone(),
            w.role.slug().into(),
            w.merchant_id,
            self.round,
            self.started,
            self.to.clone(),
        );
        session.insert(PENDING, stored).map_err(AppError::internal)
    }

    fn expired(&self, now: DateTime<Utc>) -> bool {
        now.timestamp() - self.started >= Duration::minutes(totp::PENDING_MINUTES).num_seconds()
            || now.timestamp() < self.started
    }

    fn actor(&self, state: &AppState, req: &HttpRequest) -> Actor {
        Actor {
            user_id: Some(self.who.user_id),
            email: self.who.email.clone(),
            address: state.limiter.client(req).to_string(),
        }
    }
}

/// The code forms' field: a code, or a recovery code.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeFields {
    code: String,
}

impl CodeFields {
    /// The code as typed, bounded (a recovery code has its dash and
    /// spaces).
    fn typed(&self) -> String {
        bounded(&self.code)
    }
}

fn bounded(typed: &str) -> String {
    typed.chars().take(totp::MAX_INPUT * 2).collect()
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", to.to_owned())).finish()
}

fn seal_key(state: &AppState) -> SealKey {
    SealKey::derive(state.session_key.master())
}

/// Called by `POST /login` once the password was right, with the checked
/// place to go afterwards.
pub async fn after_password(
    req: &HttpRequest,
    session: &Session,
    state: &AppState,
    who: SignedIn,
    to: String,
) -> Result<HttpResponse, AppError> {
    let (must, asked) = (state.config.supervisor_2fa, who.clone());
    let next = state.db(move |conn| Ok(two_factor::after_password(conn, &asked, must)?)).await?;
    let round = match next {
        AfterPassword::SignedIn => return finish(state, req, session, &who, &to).await,
        AfterPassword::Code { round } => Some(round),
        AfterPassword::Enrol => None,
    };
    // Whoever was signed in in this browser is not any more (their
    // session ends on the server too); a new session id, so a planted
    // cookie is useless.
    if let Some(old) = session::replaced(req) {
        state.write(move |conn| Ok(crate::service::sessions::forget(conn, old)?)).await?;
    }
    session.clear();
    session.renew();
    let pending = Pending { who, round, started: state.clock.now().timestamp(), to };
    pending.save(session)?;
    Ok(see_other(if round.is_some() { "/login/code" } else { "/login/enrol" }))
}

/// Begins the real session and goes on to `to`.
async fn finish(
    state: &AppState,
    req: &HttpRequest,
    session: &Session,
    who: &SignedIn,
    to: &str,
) -> Result<HttpResponse, AppError> {
    begin(state, req, session, who).await?;
    Ok(see_other(to))
}

async fn begin(state: &AppState, req: &HttpRequest, session: &Session, who: &SignedIn) -> Result<(), AppError> {
    session.remove(PENDING);
    session.remove(NEW_SECRET);
    session::begin(state, req, session, who).await?;
    csrf::renew(req);
    tracing::info!(user = who.user_id, "signed in");
    Ok(())
}

/// Why there is no pending sign-in to go on with.
enum NoPending {
    Absent,
    /// Too slow: where the user was going, to start again.
    Expired {
        to: String,
    },
}

/// The pending sign-in of the kind asked for (`asking_code`: one asking
/// for a code; otherwise one enrolling).
fn pending(session: &Session, state: &AppState, asking_code: bool) -> Result<Pending, NoPending> {
    let pending = Pending::load(session).filter(|p| p.round.is_some() == asking_code).ok_or(NoPending::Absent)?;
    if pending.expired(state.clock.now()) {
        session.remove(PENDING);
        session.remove(NEW_SECRET);
        return Err(NoPending::Expired { to: pending.to });
    }
    Ok(pending)
}

fn no_pending(req: &HttpRequest, why: NoPending) -> Result<HttpResponse, AppError> {
    match why {
        NoPending::Absent => Ok(see_other("/login")),
        NoPending::Expired { to } => {
            let t = crate::web::page::PageCtx::new(req).t;
            let notice = t.fmt("two_factor.expired", &[("n", &totp::PENDING_MINUTES)]);
            pages::ended(req, StatusCode::FORBIDDEN, notice, &to)
        }
    }
}

#[get("/login/code")]
async fn code_form(req: HttpRequest, session: Session, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if let Err(why) = pending(&session, &state, true) {
        return no_pending(&req, why);
    }
    pages::code(&req, StatusCode::OK, "", None)
}

#[post("/login/code")]
async fn code(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    form: CsrfForm<CodeFields>,
) -> Result<HttpResponse, AppError> {
    let t = crate::web::page::PageCtx::new(&req).t;
    let typed = match form.checked() {
        Ok(posted) => posted.fields.typed(),
        Err(Forged(posted)) => {
            return pages::code(&req, StatusCode::FORBIDDEN, &posted.fields.typed(), Some(Refusal::FORGED.message(&t)));
        }
    };
    let pending = match pending(&session, &state, true) {
        Ok(p) => p,
        Err(why) => return no_pending(&req, why),
    };
    if let Err(wait) = state.limiter.check(Scope::SignIns, &req, state.clock.now()) {
        let notice = t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]);
        let mut res = pages::code(&req, StatusCode::TOO_MANY_REQUESTS, &typed, Some(notice))?;
        limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    let (key, actor, now) = (seal_key(&state), pending.actor(&state, &req), state.clock.now());
    let ids = (pending.who.user_id, pending.round.unwrap_or_default());
    let answer = typed.clone();
    let result = state.db(move |conn| Ok(two_factor::check_code(conn, &key, ids, &answer, &actor, now))).await?;
    match result {
        Ok(_) => finish(&state, &req, &session, &pending.who, &pending.to).await,
        Err(e) => code_refused(&req, &session, &pending, &typed, e),
    }
}

/// A wrong code: the form again, to try once more. Any other refusal ends
/// the pending sign-in: why, and a way to start again.
fn code_refused(
    req: &HttpRequest,
    session: &Session,
    pending: &Pending,
    typed: &str,
    e: CodeError,
) -> Result<HttpResponse, AppError> {
    let wait = match &e {
        CodeError::Locked { retry_after } => Some(*retry_after),
        CodeError::Unreadable => {
            tracing::error!(user = pending.who.user_id, "a two-factor secret does not open with this server's key");
            None
        }
        CodeError::Wrong { .. }
        | CodeError::Replayed { .. }
        | CodeError::Ended
        | CodeError::Stale
        | CodeError::Db(_) => None,
    };
    let refusal = e.refusal()?;
    let message = refusal.message(&crate::web::page::PageCtx::new(req).t);
    if refusal.field.is_some() {
        return pages::code(req, refusal.status, typed, Some(message));
    }
    session.remove(PENDING);
    let mut res = pages::ended(req, refusal.status, message, &pending.to)?;
    if let Some(wait) = wait {
        limit::retry_after(&mut res, wait);
    }
    Ok(res)
}

/// The secret being enrolled in this browser, made now if there is none,
/// so the QR code stays the same over reloads and wrong codes.
fn new_secret(session: &Session) -> Result<Vec<u8>, AppError> {
    if let Some(secret) = session.get::<String>(NEW_SECRET).ok().flatten().and_then(|s| totp::from_base32(&s)) {
        return Ok(secret);
    }
    let secret = two_factor::new_secret();
    session.insert(NEW_SECRET, totp::base32(&secret)).map_err(AppError::internal)?;
    Ok(secret)
}

fn stored_secret(session: &Session) -> Option<Vec<u8>> {
    session.get::<String>(NEW_SECRET).ok().flatten().and_then(|s| totp::from_base32(&s))
}

#[get("/login/enrol")]
async fn enrol_form(req: HttpRequest, session: Session, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pending = match pending(&session, &state, false) {
        Ok(p) => p,
        Err(why) => return no_pending(&req, why),
    };
    let secret = new_secret(&session)?;
    let what = pages::Enrol {
        email: &pending.who.email,
        secret: &secret,
        required: true,
        action: "/login/enrol",
        reauth: None,
    };
    pages::enrol(&req, StatusCode::OK, &what, "", None)
}

#[post("/login/enrol")]
async fn enrol(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    form: CsrfForm<CodeFields>,
) -> Result<HttpResponse, AppError> {
    let sent = form.checked();
    let pending = match pending(&session, &state, false) {
        Ok(p) => p,
        Err(why) => return no_pending(&req, why),
    };
    let Some(secret) = stored_secret(&session) else { return Ok(see_other("/login/enrol")) };
    let t = crate::web::page::PageCtx::new(&req).t;
    let what = pages::Enrol {
        email: &pending.who.email,
        secret: &secret,
        required: true,
        action: "/login/enrol",
        reauth: None,
    };
    let typed = match sent {
        Ok(posted) => posted.fields.typed(),
        Err(Forged(posted)) => {
            let (typed, notice) = (posted.fields.typed(), Refusal::FORGED.message(&t));
            return pages::enrol(&req, StatusCode::FORBIDDEN, &what, &typed, Some(notice));
        }
    };
    let (key, actor, now) = (seal_key(&state), pending.actor(&state, &req), state.clock.now());
    let (user_id, kept, answer) = (pending.who.user_id, secret.clone(), typed.clone());
    let result = state.db(move |conn| Ok(two_factor::enrol(conn, &key, user_id, &kept, &answer, &actor, now))).await?;
    let codes = match result {
        Ok(codes) => codes,
        Err(e) => {
            let refusal = e.refusal()?;
            let message = refusal.message(&t);
            if refusal.field.is_some() {
                return pages::enrol(&req, refusal.status, &what, &typed, Some(message));
            }
            session.remove(PENDING);
            session.remove(NEW_SECRET);
            return pages::ended(&req, refusal.status, message, &pending.to);
        }
    };
    begin(&state, &req, &session, &pending.who).await?;
    pages::recovery(&req, codes, &pending.to)
}

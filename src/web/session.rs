//! Staff sessions: an encrypted, HttpOnly, SameSite=Lax cookie (Secure when
//! the public URL is https) that carries only a random session id, looked
//! up in the `sessions` table on every request that brings one (so a
//! session that was signed out, ended everywhere or outlived its time is
//! refused), and extractors that let a handler say who may call it.

use std::future::{Ready, ready};

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite, time::Duration};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::AppState;
use crate::domain::session::Lifetimes;
use crate::domain::staff::Role;
use crate::error::AppError;
use crate::service::auth::SignedIn;
use crate::service::sessions::{self, Found, Origin};

pub const COOKIE: &str = "redress_session";
/// The session id's key in the cookie.
const SID: &str = "sid";

pub fn middleware(key: Key, secure: bool, lifetimes: Lifetimes) -> SessionMiddleware<CookieSessionStore> {
    // The cookie may last as long as a session can; the server ends it
    // sooner after inactivity.
    let ttl = Duration::seconds(lifetimes.absolute.num_seconds());
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(COOKIE.into())
        .cookie_secure(secure)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(PersistentSession::default().session_ttl(ttl))
        .build()
}

/// A signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub merchant_id: Option<i64>,
}

/// The request's live session: whose, and which (to end it).
#[derive(Debug, Clone)]
pub struct Current {
    pub staff: Staff,
    pub session_id: i64,
}

/// The session could not be looked up (the database is unreachable):
/// staff pages answer 503 rather than "sign in".
#[derive(Debug, Clone, Copy)]
struct Unchecked;

impl Staff {
    /// The staff member signed in on this request, if any.
    pub fn current(req: &HttpRequest) -> Option<Staff> {
        req.extensions().get::<Current>().map(|c| c.staff.clone())
    }

    /// Where this staff member starts.
    pub fn home(&self) -> &'static str {
        match self.role {
            Role::Merchant => "/merchant",
            Role::Supervisor => "/supervisor",
        }
    }
}

impl From<SignedIn> for Staff {
    fn from(who: SignedIn) -> Staff {
        Staff { user_id: who.user_id, email: who.email, role: who.role, merchant_id: who.merchant_id }
    }
}

/// Middleware (inside the session middleware): finds the session the
/// cookie names, refuses one that ended (its cookie is removed), and
/// writes `last_seen_at` when it is a few minutes old (in the background).
pub async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // Styles, scripts, health checks and metrics never need to know who
    // is signed in: no look-up for them.
    let path = req.path();
    if path.starts_with("/static/") || path == "/healthz" || path == "/metrics" {
        return next.call(req).await;
    }
    let session = req.get_session();
    let token = session.get::<String>(SID).ok().flatten();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    if let (Some(token), Some(state)) = (token, state) {
        let (now, lifetimes) = (state.clock.now(), state.config.sessions);
        match state.db(move |conn| Ok(sessions::find(conn, &token, lifetimes, now)?)).await {
            Ok(Found::Live { session_id, who, touch }) => {
                if touch {
                    // The request does not wait for it; a lost write only
                    // ends the session a few minutes early.
                    let state = state.clone();
                    actix_web::rt::spawn(async move {
                        let touched = state.write(move |conn| Ok(sessions::touch(conn, session_id, now)?)).await;
                        if let Err(e) = touched {
                            tracing::warn!(error = %e, "session last seen not written");
                        }
                    });
                }
                req.extensions_mut().insert(Current { staff: who.into(), session_id });
            }
            Ok(Found::Expired { session_id }) => {
                session.purge();
                if let Err(e) = state.write(move |conn| Ok(sessions::forget(conn, session_id)?)).await {
                    tracing::warn!(error = %e, "expired session not removed");
                }
            }
            Ok(Found::Unknown) => session.purge(),
            Err(e) => {
                tracing::warn!(error = %e, "session not looked up");
                req.extensions_mut().insert(Unchecked);
            }
        }
    }
    next.call(req).await
}

/// Begins a session for `who`, who has just proved who they are: a row in
/// `sessions` (with the sign-in's audit entry) and a fresh cookie naming
/// it, so a planted cookie is useless; the session this browser had ends.
pub async fn begin(state: &AppState, req: &HttpRequest, session: &Session, who: &SignedIn) -> Result<(), AppError> {
    let address = state.limiter.client(req).to_string();
    let user_agent =
        req.headers().get(actix_web::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let (who, now, lifetimes) = (who.clone(), state.clock.now(), state.config.sessions);
    let replacing = replaced(req);
    let token = state
        .write(move |conn| {
            let from = Origin { address: &address, user_agent: &user_agent, lifetimes, replacing };
            Ok(sessions::begin(conn, &who, &from, now)?)
        })
        .await?;
    session.renew();
    session.insert(SID, token).map_err(AppError::internal)?;
    Ok(())
}

/// The live session this request came with (whoever's): a new sign-in in
/// this browser ends it.
pub fn replaced(req: &HttpRequest) -> Option<i64> {
    req.extensions().get::<Current>().map(|c| c.session_id)
}

/// Forgets the session in this browser (the cookie goes).
/// Ends this browser's session (the server's row is ended by the caller)
/// with a fresh CSRF token, and sends it to the sign-in page.
pub fn signed_out(req: &HttpRequest, session: &Session) -> actix_web::HttpResponse {
    session.purge();
    super::csrf::renew(req);
    actix_web::HttpResponse::SeeOther().insert_header(("Location", "/login")).finish()
}

fn require(req: &HttpRequest, role: Option<Role>) -> Result<Current, AppError> {
    if req.extensions().get::<Unchecked>().is_some() {
        return Err(AppError::Unavailable("the session could not be looked up".into()));
    }
    match req.extensions().get::<Current>() {
        None => Err(AppError::SignIn(req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default())),
        Some(current) if role.is_none_or(|r| r == current.staff.role) => Ok(current.clone()),
        Some(_) => Err(AppError::Forbidden),
    }
}

/// Any signed-in staff member, with the session in use.
impl FromRequest for Current {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(require(req, None))
    }
}

/// Merchant staff, with the merchant they work for.
pub struct MerchantStaff {
    pub staff: Staff,
    pub merchant_id: i64,
}

impl FromRequest for MerchantStaff {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(require(req, Some(Role::Merchant)).and_then(|c| match c.staff.merchant_id {
            Some(merchant_id) => Ok(MerchantStaff { staff: c.staff, merchant_id }),
            None => Err(AppError::Forbidden),
        }))
    }
}

/// A platform supervisor.
pub struct Supervisor(pub Staff);

impl FromRequest for Supervisor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(require(req, Some(Role::Supervisor)).map(|c| Supervisor(c.staff)))
    }
}

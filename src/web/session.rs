//! Staff sessions: an encrypted, HttpOnly, SameSite=Lax cookie (Secure when
//! the public URL is https), and extractors that let a handler say who
//! may call it. Sessions live only in the cookie, so any instance can
//! serve any request.

use std::future::{Ready, ready};

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::cookie::{Key, SameSite, time::Duration};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::domain::staff::Role;
use crate::error::AppError;
use crate::service::auth::SignedIn;

pub const COOKIE: &str = "redress_session";

pub fn middleware(key: Key, secure: bool) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(COOKIE.into())
        .cookie_secure(secure)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(PersistentSession::default().session_ttl(Duration::hours(12)))
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

impl Staff {
    pub fn from_session(session: &Session) -> Option<Staff> {
        let user_id = session.get::<i64>("uid").ok()??;
        let email = session.get::<String>("email").ok()??;
        let role = Role::from_slug(&session.get::<String>("role").ok()??)?;
        let merchant_id = session.get::<i64>("mid").ok().flatten();
        Some(Staff { user_id, email, role, merchant_id })
    }

    /// Where this staff member starts.
    pub fn home(&self) -> &'static str {
        match self.role {
            Role::Merchant => "/merchant",
            Role::Supervisor => "/supervisor",
        }
    }
}

/// Starts a new session (a fresh cookie, so a planted one is useless).
pub fn begin(session: &Session, who: &SignedIn) -> Result<(), AppError> {
    session.renew();
    let stored = session
        .insert("uid", who.user_id)
        .and_then(|_| session.insert("email", &who.email))
        .and_then(|_| session.insert("role", who.role.slug()));
    stored.map_err(AppError::internal)?;
    if let Some(mid) = who.merchant_id {
        session.insert("mid", mid).map_err(AppError::internal)?;
    }
    Ok(())
}

pub fn end(session: &Session) {
    session.purge();
}

fn require(req: &HttpRequest, role: Role) -> Result<Staff, AppError> {
    match Staff::from_session(&req.get_session()) {
        None => Err(AppError::SignIn(req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default())),
        Some(staff) if staff.role == role => Ok(staff),
        Some(_) => Err(AppError::Forbidden),
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
        ready(require(req, Role::Merchant).and_then(|staff| match staff.merchant_id {
            Some(merchant_id) => Ok(MerchantStaff { staff, merchant_id }),
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
        ready(require(req, Role::Supervisor).map(Supervisor))
    }
}

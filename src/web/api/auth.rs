//! Who is calling: an API key in `Authorization: Bearer <key>`. A request
//! without one, or with one that is not valid or was revoked, is 401 with
//! `WWW-Authenticate: Bearer`; each key has its allowance of requests
//! (`REDRESS_API_RATE`), past which it is 429 with `Retry-After`. Every
//! request made with a valid key is on the staff audit log (see
//! `super::audited`), the key named as the one who made it.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::problem::{Problem, ProblemKind};
use crate::domain::api_key::{self, Scope};
use crate::service::api_keys;
use crate::store::api_keys::ApiKey;
use crate::web::AppState;
use crate::web::limit;

/// The caller of an API request: a valid key, and whom it acts for.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key: ApiKey,
    pub scope: Scope,
}

impl ApiCaller {
    /// The merchant a merchant key acts for; a platform key is refused
    /// (403) what only a merchant may do.
    pub fn merchant(&self, req: &HttpRequest) -> Result<i64, Problem> {
        match self.scope {
            Scope::Merchant(m) => Ok(m),
            Scope::Platform => Err(Problem::of(req, ProblemKind::Forbidden)
                .detail(super::problem::lang_of(req).tr().get("api.detail_merchant_only"))),
        }
    }

    /// A platform key; a merchant key is refused (403).
    pub fn platform(&self, req: &HttpRequest) -> Result<(), Problem> {
        match self.scope {
            Scope::Platform => Ok(()),
            Scope::Merchant(_) => Err(Problem::of(req, ProblemKind::Forbidden)
                .detail(super::problem::lang_of(req).tr().get("api.detail_platform_only"))),
        }
    }
}

/// The key a request was made with, once it was found valid: what the
/// audit middleware records the request under.
#[derive(Debug, Clone)]
pub struct Authenticated(pub ApiKey);

fn unauthorized(req: &HttpRequest, key: &'static str) -> Problem {
    let t = super::problem::lang_of(req).tr();
    Problem::new(&t, ProblemKind::Unauthorized).detail(t.get(key))
}

impl FromRequest for ApiCaller {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let presented = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(api_key::bearer)
                .map(str::to_owned)
                .ok_or_else(|| unauthorized(&req, "api.detail_no_key"))?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| actix_web::error::ErrorInternalServerError("no app state"))?;
            let now = state.clock.now();
            let found = state.db(move |conn| Ok(api_keys::authenticate(conn, &presented, now)?)).await?;
            let key = found.ok_or_else(|| unauthorized(&req, "api.detail_bad_key"))?;
            req.extensions_mut().insert(Authenticated(key.clone()));
            if let Err(wait) = state.limiter.check_key(state.config.api_rate, key.id, now) {
                let seconds = limit::seconds(wait);
                let t = super::problem::lang_of(&req).tr();
                let detail = t.fmt("api.detail_rate_limited_wait", &[("n", &seconds)]);
                return Err(Problem::new(&t, ProblemKind::RateLimited).detail(detail).retry_after(seconds).into());
            }
            Ok(ApiCaller { scope: key.scope(), key })
        })
    }
}

//! `/merchant/api-keys` (a merchant's staff: keys of their merchant) and
//! `/supervisor/api-keys` (supervisors: the platform's keys): the keys
//! with their prefix, when made, last used and revoked; the form that
//! makes one (the key is shown once, on the answer, never again); a revoke
//! button per key. A key is loaded through the signed-in person's scope,
//! so another merchant's key id is a 404.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::api_key::{KeyForm, NAME_MAX, Scope, shown};
use crate::domain::field::Field;
use crate::error::AppError;
use crate::service::api_keys::{self as service, KeyError};
use crate::service::audit::Actor;
use crate::store::api_keys::ApiKey;
use crate::store::from_db;
use crate::web::form::{CsrfForm, Forged};
use crate::web::page::{PageCtx, render};
use crate::web::path::ApiKeyId;
use crate::web::refusal::{Refusal, invalid};
use crate::web::session::{MerchantStaff, Supervisor};
use crate::web::view::{self, FieldView, TimeView};
use crate::web::{AppState, csrf};

/// One key as the list shows it.
pub struct KeyLine {
    pub id: i64,
    pub name: String,
    /// `rdk_1a2b3c4d…`
    pub prefix: String,
    pub created: TimeView,
    pub last_used: Option<TimeView>,
    pub revoked: Option<TimeView>,
}

#[derive(Template)]
#[template(path = "api_keys.html")]
struct KeysPage {
    ctx: PageCtx,
    /// Where the page and its forms live.
    base: &'static str,
    /// The lead: whom the keys act for.
    lead: &'static str,
    notice: Option<String>,
    notice_is_error: bool,
    /// The key just made, shown this once.
    made: Option<String>,
    rows: Vec<KeyLine>,
    name: FieldView,
    name_max: usize,
    csrf: String,
}

/// Whose keys a page is about, and who is looking.
struct Here<'a> {
    state: &'a AppState,
    req: &'a HttpRequest,
    scope: Scope,
    actor: Actor,
}

impl Here<'_> {
    fn base(&self) -> &'static str {
        match self.scope {
            Scope::Merchant(_) => "/merchant/api-keys",
            Scope::Platform => "/supervisor/api-keys",
        }
    }

    /// The page, with what came back to it.
    async fn page(&self, status: StatusCode, back: Back) -> Result<HttpResponse, AppError> {
        let scope = self.scope;
        let keys = self.state.db(move |conn| Ok(service::list(conn, scope)?)).await?;
        let ctx = PageCtx::new(self.req);
        let (t, tz) = (ctx.t, self.state.config.tz);
        let time = |at| view::time(&t, tz, from_db(at));
        let line = |k: &ApiKey| KeyLine {
            id: k.id,
            name: k.name.clone(),
            prefix: shown(&k.prefix),
            created: time(k.created_at),
            last_used: k.last_used_at.map(time),
            revoked: k.revoked_at.map(time),
        };
        let page = KeysPage {
            base: self.base(),
            lead: t.get(match scope {
                Scope::Merchant(_) => "api_keys.lead_merchant",
                Scope::Platform => "api_keys.lead_platform",
            }),
            notice: back.notice.as_ref().map(|(n, _)| n.clone()),
            notice_is_error: back.notice.as_ref().is_some_and(|(_, e)| *e),
            made: back.made,
            rows: keys.iter().map(line).collect(),
            name: FieldView::new(&t, "api_keys.name", &back.typed.name, back.error),
            name_max: NAME_MAX,
            csrf: csrf::token(self.req),
            ctx,
        };
        render(status, &page)
    }

    async fn list(&self, done: &str) -> Result<HttpResponse, AppError> {
        let t = PageCtx::new(self.req).t;
        let notice = (done == "revoked").then(|| (t.get("api_keys.done_revoked").to_owned(), false));
        self.page(StatusCode::OK, Back { notice, ..Back::default() }).await
    }

    async fn create(&self, form: CsrfForm<KeyForm>) -> Result<HttpResponse, AppError> {
        let t = PageCtx::new(self.req).t;
        let typed = match form.checked() {
            Ok(posted) => posted.fields,
            Err(Forged(posted)) => {
                let notice = Some((Refusal::FORGED.message(&t), true));
                return self
                    .page(StatusCode::FORBIDDEN, Back { typed: posted.fields, notice, ..Back::default() })
                    .await;
            }
        };
        let name = match typed.validate() {
            Ok(name) => name,
            Err(errors) => {
                let error = errors.get(Field::Name).map(|why| invalid(&t, why));
                return self.page(StatusCode::UNPROCESSABLE_ENTITY, Back { typed, error, ..Back::default() }).await;
            }
        };
        let (scope, actor, clock) = (self.scope, self.actor.clone(), self.state.clock.clone());
        let made = self.state.write(move |conn| Ok(service::create(conn, scope, &name, &actor, clock.now()))).await?;
        match made {
            Ok((_, key)) => {
                let notice = Some((t.get("api_keys.done_created").to_owned(), false));
                self.page(StatusCode::CREATED, Back { notice, made: Some(key), ..Back::default() }).await
            }
            Err(KeyError::NotFound) => Err(AppError::Forbidden),
            Err(KeyError::Db(e)) => Err(e.into()),
        }
    }

    async fn revoke(&self, id: i64, form: CsrfForm<Nothing>) -> Result<HttpResponse, AppError> {
        let scope = self.scope;
        // Another scope's key is not found, whatever the form says.
        let found = self.state.db(move |conn| Ok(crate::store::api_keys::find(conn, scope, id)?)).await?;
        found.ok_or(AppError::NotFound)?;
        form.or_forbidden()?;
        let (actor, clock) = (self.actor.clone(), self.state.clock.clone());
        match self.state.write(move |conn| Ok(service::revoke(conn, scope, id, &actor, clock.now()))).await? {
            Ok(()) => Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("{}?done=revoked", self.base())))
                .finish()),
            Err(KeyError::NotFound) => Err(AppError::NotFound),
            Err(KeyError::Db(e)) => Err(e.into()),
        }
    }
}

/// What came back to the page.
#[derive(Default)]
struct Back {
    typed: KeyForm,
    error: Option<String>,
    notice: Option<(String, bool)>,
    made: Option<String>,
}

/// `?done=…` after a form that worked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

/// The revoke button's form: its token and nothing else.
#[derive(Deserialize, Default)]
pub struct Nothing {}

fn merchant<'a>(state: &'a AppState, req: &'a HttpRequest, who: &MerchantStaff) -> Here<'a> {
    Here { state, req, scope: Scope::Merchant(who.merchant_id), actor: state.actor(req, &who.staff) }
}

fn platform<'a>(state: &'a AppState, req: &'a HttpRequest, who: &Supervisor) -> Here<'a> {
    Here { state, req, scope: Scope::Platform, actor: state.actor(req, &who.0) }
}

#[get("/merchant/api-keys")]
pub async fn merchant_list(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    merchant(&state, &req, &who).list(&done.done).await
}

#[post("/merchant/api-keys")]
pub async fn merchant_create(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<KeyForm>,
) -> Result<HttpResponse, AppError> {
    merchant(&state, &req, &who).create(form).await
}

#[post("/merchant/api-keys/{id}/revoke")]
pub async fn merchant_revoke(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<ApiKeyId>,
    form: CsrfForm<Nothing>,
) -> Result<HttpResponse, AppError> {
    merchant(&state, &req, &who).revoke(id.into_inner().0, form).await
}

#[get("/supervisor/api-keys")]
pub async fn supervisor_list(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    platform(&state, &req, &who).list(&done.done).await
}

#[post("/supervisor/api-keys")]
pub async fn supervisor_create(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    form: CsrfForm<KeyForm>,
) -> Result<HttpResponse, AppError> {
    platform(&state, &req, &who).create(form).await
}

#[post("/supervisor/api-keys/{id}/revoke")]
pub async fn supervisor_revoke(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<ApiKeyId>,
    form: CsrfForm<Nothing>,
) -> Result<HttpResponse, AppError> {
    platform(&state, &req, &who).revoke(id.into_inner().0, form).await
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(merchant_list).service(merchant_create).service(merchant_revoke);
    cfg.service(supervisor_list).service(supervisor_create).service(supervisor_revoke);
}

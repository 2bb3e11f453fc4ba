//! `/merchant/webhooks`: the merchant's webhook endpoints, the form that
//! adds one (its signing secret shown once, on the page that answers it),
//! and each endpoint's page: its form, its latest deliveries, a test
//! delivery, turning it off and on, a new secret, deleting it. An endpoint
//! is loaded through the signed-in merchant, so another merchant's id is a
//! 404. A form sent with a mistake comes back (422, or 403 for a stale
//! token) with what was typed and the message next to its field.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::webhook_view::{DeliveryLine, Editor, EndpointLine};
use crate::domain::webhook::{EndpointErrors, EndpointForm, MAX_ENDPOINTS};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::two_factor::SealKey;
use crate::service::webhooks::endpoints::{self as service, EndpointError};
use crate::store::webhook_deliveries;
use crate::store::webhooks::{self as store, EndpointRow};
use crate::web::form::{CsrfForm, CsrfListForm, Forged};
use crate::web::notice::Done;
use crate::web::page::{PageCtx, render};
use crate::web::path::WebhookId;
use crate::web::refusal::Refusal;
use crate::web::session::MerchantStaff;
use crate::web::{AppState, csrf};

const PATH: &str = "/merchant/webhooks";
/// Deliveries an endpoint's page lists, newest first.
const RECENT: i64 = 50;

#[derive(Template)]
#[template(path = "merchant/webhooks.html")]
struct ListPage {
    ctx: PageCtx,
    notice: Option<(String, bool)>,
    rows: Vec<EndpointLine>,
    add: Editor,
    full: bool,
    limit: String,
    csrf: String,
}

#[derive(Template)]
#[template(path = "merchant/webhook.html")]
struct EndpointPage {
    ctx: PageCtx,
    notice: Option<(String, bool)>,
    line: EndpointLine,
    /// The signing secret, on the one page that shows it.
    secret: Option<String>,
    editor: Editor,
    deliveries: Vec<DeliveryLine>,
    csrf: String,
}

fn done_notice(t: &Tr, done: &str) -> Option<(String, bool)> {
    let key = match done {
        "saved" => "webhook.done_saved",
        "deleted" => "webhook.done_deleted",
        "off" => "webhook.done_off",
        "on" => "webhook.done_on",
        "ping" => "webhook.done_ping",
        _ => return None,
    };
    Some((t.get(key).to_owned(), false))
}

fn seal_key(state: &AppState) -> SealKey {
    SealKey::for_webhooks(state.session_key.master())
}

async fn list_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors): (EndpointForm, EndpointErrors),
    notice: Option<(String, bool)>,
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(store::of_merchant(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let (t, tz) = (ctx.t, state.config.tz);
    let page = ListPage {
        notice,
        full: rows.len() as i64 >= MAX_ENDPOINTS,
        rows: rows.iter().map(|e| EndpointLine::new(&t, tz, e)).collect(),
        add: Editor::new(&t, &typed, &errors, ""),
        limit: t.fmt("webhook.limit", &[("n", &MAX_ENDPOINTS)]),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// What an endpoint's page shows besides the endpoint as stored.
#[derive(Default)]
struct Shown {
    /// The form as sent back, with its mistakes.
    form: Option<(EndpointForm, EndpointErrors)>,
    notice: Option<(String, bool)>,
    secret: Option<String>,
}

async fn endpoint_page(
    state: &AppState,
    req: &HttpRequest,
    e: EndpointRow,
    status: StatusCode,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let id = e.id;
    let deliveries = state.db(move |conn| Ok(webhook_deliveries::recent(conn, id, RECENT)?)).await?;
    let ctx = PageCtx::new(req);
    let (t, tz) = (ctx.t, state.config.tz);
    let editor = match &shown.form {
        Some((typed, errors)) => Editor::new(&t, typed, errors, ""),
        None => Editor::of(&t, &e),
    };
    let page = EndpointPage {
        notice: shown.notice,
        line: EndpointLine::new(&t, tz, &e),
        secret: shown.secret,
        editor,
        deliveries: deliveries.iter().map(|d| DeliveryLine::new(&t, tz, d)).collect(),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The merchant's endpoint `id`, or a 404.
async fn mine(state: &AppState, who: &MerchantStaff, id: WebhookId) -> Result<EndpointRow, AppError> {
    let m = who.merchant_id;
    state.db(move |conn| Ok(store::find(conn, m, id.0)?)).await?.ok_or(AppError::NotFound)
}

fn to(location: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", location)).finish()
}

fn failed(e: EndpointError) -> AppError {
    match e {
        EndpointError::NotFound => AppError::NotFound,
        EndpointError::Db(e) => e.into(),
        e @ (EndpointError::TooMany | EndpointError::Off) => AppError::internal(e),
    }
}

#[get("/merchant/webhooks")]
pub async fn list(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let notice = done_notice(&PageCtx::new(&req).t, &done.done);
    list_page(&state, &req, &who, StatusCode::OK, Default::default(), notice).await
}

#[post("/merchant/webhooks")]
pub async fn create(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfListForm<EndpointForm>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let typed = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => {
            let notice = Some((Refusal::FORGED.message(&t), true));
            let back = (posted.fields, EndpointErrors::default());
            return list_page(&state, &req, &who, StatusCode::FORBIDDEN, back, notice).await;
        }
    };
    let valid = match typed.validate(state.config.webhooks.allow_local) {
        Ok(valid) => valid,
        Err(errors) => {
            return list_page(&state, &req, &who, StatusCode::UNPROCESSABLE_ENTITY, (typed, errors), None).await;
        }
    };
    let (m, actor, key, clock) =
        (who.merchant_id, state.actor(&req, &who.staff), seal_key(&state), state.clock.clone());
    let made = state.db(move |conn| Ok(service::create(conn, &key, &actor, m, &valid, clock.now()))).await?;
    match made {
        Ok(created) => {
            let e = mine(&state, &who, WebhookId(created.id)).await?;
            let notice = Some((t.get("webhook.done_created").to_owned(), false));
            let shown = Shown { secret: Some(created.secret), notice, ..Shown::default() };
            endpoint_page(&state, &req, e, StatusCode::CREATED, shown).await
        }
        Err(EndpointError::TooMany) => {
            let notice = Some((t.fmt("webhook.too_many", &[("n", &MAX_ENDPOINTS)]), true));
            let back = (typed, EndpointErrors::default());
            list_page(&state, &req, &who, StatusCode::UNPROCESSABLE_ENTITY, back, notice).await
        }
        Err(e) => Err(failed(e)),
    }
}

#[get("/merchant/webhooks/{id}")]
pub async fn show(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<WebhookId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let e = mine(&state, &who, id.into_inner()).await?;
    let notice = done_notice(&PageCtx::new(&req).t, &done.done);
    endpoint_page(&state, &req, e, StatusCode::OK, Shown { notice, ..Shown::default() }).await
}

#[post("/merchant/webhooks/{id}")]
pub async fn update(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<WebhookId>,
    form: CsrfListForm<EndpointForm>,
) -> Result<HttpResponse, AppError> {
    // Another merchant's endpoint is not found, whatever the form says.
    let e = mine(&state, &who, id.into_inner()).await?;
    let t = PageCtx::new(&req).t;
    let typed = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => {
            let notice = Some((Refusal::FORGED.message(&t), true));
            let shown = Shown { form: Some((posted.fields, EndpointErrors::default())), notice, ..Shown::default() };
            return endpoint_page(&state, &req, e, StatusCode::FORBIDDEN, shown).await;
        }
    };
    let valid = match typed.validate(state.config.webhooks.allow_local) {
        Ok(valid) => valid,
        Err(errors) => {
            let shown = Shown { form: Some((typed, errors)), ..Shown::default() };
            return endpoint_page(&state, &req, e, StatusCode::UNPROCESSABLE_ENTITY, shown).await;
        }
    };
    let (m, id, actor, clock) = (who.merchant_id, e.id, state.actor(&req, &who.staff), state.clock.clone());
    state.db(move |conn| Ok(service::update(conn, &actor, m, id, &valid, clock.now()))).await?.map_err(failed)?;
    Ok(to(format!("{PATH}/{id}?done=saved")))
}

/// A button's form: its token and nothing else.
#[derive(Deserialize, Default)]
pub struct Nothing {}

/// What a button asks of an endpoint.
#[derive(Clone, Copy)]
enum Button {
    Off,
    On,
    Delete,
    Roll,
    Ping,
}

async fn press(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: WebhookId,
    form: CsrfForm<Nothing>,
    button: Button,
) -> Result<HttpResponse, AppError> {
    let e = mine(&state, &who, id).await?;
    form.or_forbidden()?;
    let (m, id, actor, now) = (who.merchant_id, e.id, state.actor(&req, &who.staff), state.clock.now());
    let key = seal_key(&state);
    let t = PageCtx::new(&req).t;
    match button {
        Button::Off | Button::On => {
            let on = matches!(button, Button::On);
            state.db(move |conn| Ok(service::switch(conn, &actor, m, id, on, now))).await?.map_err(failed)?;
            Ok(to(format!("{PATH}/{id}?done={}", if on { "on" } else { "off" })))
        }
        Button::Delete => {
            state.db(move |conn| Ok(service::delete(conn, &actor, m, id, now))).await?.map_err(failed)?;
            Ok(to(format!("{PATH}?done=deleted")))
        }
        Button::Roll => {
            let secret = state
                .db(move |conn| Ok(service::roll_secret(conn, &key, &actor, m, id, now)))
                .await?
                .map_err(failed)?;
            let notice = Some((t.get("webhook.done_rolled").to_owned(), false));
            let e = mine(&state, &who, WebhookId(id)).await?;
            endpoint_page(&state, &req, e, StatusCode::OK, Shown { secret: Some(secret), notice, ..Shown::default() })
                .await
        }
        Button::Ping => match state.db(move |conn| Ok(service::ping(conn, m, id, now))).await? {
            Ok(_) => Ok(to(format!("{PATH}/{id}?done=ping"))),
            Err(EndpointError::Off) => {
                let notice = Some((t.get("webhook.ping_off").to_owned(), true));
                endpoint_page(&state, &req, e, StatusCode::UNPROCESSABLE_ENTITY, Shown { notice, ..Shown::default() })
                    .await
            }
            Err(e) => Err(failed(e)),
        },
    }
}

macro_rules! button {
    ($name:ident, $path:literal, $button:expr) => {
        #[post($path)]
        pub async fn $name(
            req: HttpRequest,
            who: MerchantStaff,
            state: web::Data<AppState>,
            id: web::Path<WebhookId>,
            form: CsrfForm<Nothing>,
        ) -> Result<HttpResponse, AppError> {
            press(req, who, state, id.into_inner(), form, $button).await
        }
    };
}

button!(disable, "/merchant/webhooks/{id}/disable", Button::Off);
button!(enable, "/merchant/webhooks/{id}/enable", Button::On);
button!(delete, "/merchant/webhooks/{id}/delete", Button::Delete);
button!(roll, "/merchant/webhooks/{id}/secret", Button::Roll);
button!(ping, "/merchant/webhooks/{id}/ping", Button::Ping);

//! A merchant's live room, host or product as supervisors see it
//! (`/supervisor/rooms/{id}`, `/supervisor/hosts/{id}`,
//! `/supervisor/products/{id}`): what was registered (the host's real name
//! in full), where it stands, every measure taken on it, and the form for
//! the measures its state is open to (`measure` + `reason`, or a product's
//! `decision` + `reason`), each on the staff audit log. The merchant is
//! told by the review service.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::audit::AuditKind;
use crate::domain::live::claims::pieces;
use crate::domain::live::{HostMeasure, ProductDecision, RoomMeasure, Target};
use crate::error::AppError;
use crate::service::review::{self, ReviewError};
use crate::store::actions::{self, ActionRow};
use crate::store::{inspections, live, merchants};
use crate::web::form::CsrfForm;
use crate::web::page::{PageCtx, render};
use crate::web::path::{HostId, ProductId, RoomId};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::{MeasureLine, measures};
use crate::web::{AppState, csrf};

#[derive(Template)]
#[template(path = "supervisor/live_item.html")]
struct ThingPage {
    ctx: PageCtx,
    merchant_id: i64,
    merchant: String,
    /// "直播间", "主播", "商品".
    what: String,
    title: String,
    /// `data-room-status`, `data-host-status` or `data-review`, and its value.
    marker: &'static str,
    status: &'static str,
    status_label: String,
    facts: Vec<(String, String)>,
    /// A product's claims in pieces, risky wording marked.
    claims: Vec<(String, Option<&'static str>)>,
    /// The reason a product was rejected or delisted.
    reason: Option<String>,
    measures: Vec<MeasureLine>,
    /// Where the form posts, its choice's name (`measure` or `decision`)
    /// and the choices the thing's state is open to.
    action: String,
    field: &'static str,
    choices: Vec<(&'static str, String)>,
    notice: Option<(String, bool)>,
    typed: String,
    csrf: String,
    /// A room's inspections, newest first, and where to record one; none
    /// for hosts and products.
    inspections: Option<(String, Vec<super::inspections::InspectionLine>)>,
    /// A room's user reports: how many in all, and the latest.
    reports: Option<(i64, Vec<super::reports::MemberReport>)>,
}

/// A room's page lists at most this many of its latest reports.
const ROOM_REPORTS: i64 = 10;

/// What the page shows; built from the stored thing.
struct Thing {
    merchant_id: i64,
    what: &'static str,
    title: String,
    marker: &'static str,
    status: (&'static str, &'static str),
    /// (label key, value, whether the value is a catalog key).
    facts: Vec<(&'static str, String, bool)>,
    claims: Option<(String, crate::domain::live::ProductCategory)>,
    reason: Option<String>,
    field: &'static str,
    choices: Vec<(&'static str, &'static str)>,
}

fn room(conn: &mut crate::store::DbConnection, id: i64) -> Result<Option<Thing>, AppError> {
    let Some(r) = live::find_room(conn, id)? else { return Ok(None) };
    Ok(Some(Thing {
        merchant_id: r.merchant_id,
        what: "live.room",
        title: r.name,
        marker: "data-room-status",
        status: (r.status.slug(), r.status.key()),
        facts: vec![("live.platform", r.platform.key().to_owned(), true), ("live.room_ref", r.room_ref, false)],
        claims: None,
        reason: None,
        field: "measure",
        choices: RoomMeasure::open_to(r.status).iter().map(|m| (m.slug(), m.key())).collect(),
    }))
}

fn host(conn: &mut crate::store::DbConnection, id: i64) -> Result<Option<Thing>, AppError> {
    let Some(h) = live::find_host(conn, id)? else { return Ok(None) };
    let mut facts = vec![("live.real_name", h.real_name, false), ("live.kind", h.kind.key().to_owned(), true)];
    if let Some(a) = h.agency {
        facts.push(("live.agency", a, false));
    }
    facts.push(("live.medical_staff", if h.medical_staff { "live.yes" } else { "live.no" }.to_owned(), true));
    Ok(Some(Thing {
        merchant_id: h.merchant_id,
        what: "live.host",
        title: h.display_name,
        marker: "data-host-status",
        status: (h.status.slug(), h.status.key()),
        facts,
        claims: None,
        reason: None,
        field: "measure",
        choices: HostMeasure::open_to(h.status).iter().map(|m| (m.slug(), m.key())).collect(),
    }))
}

fn product(conn: &mut crate::store::DbConnection, id: i64) -> Result<Option<Thing>, AppError> {
    let Some(p) = live::find_product(conn, id)? else { return Ok(None) };
    let mut facts = vec![("live.product_category", p.category.key().to_owned(), true)];
    if let Some(l) = p.licence {
        facts.push(("live.licence", l, false));
    }
    Ok(Some(Thing {
        merchant_id: p.merchant_id,
        what: "live_review.product",
        title: p.name,
        marker: "data-review",
        status: (p.review.slug(), p.review.key()),
        facts,
        claims: Some((p.claims, p.category)),
        reason: p.review_reason,
        field: "decision",
        choices: ProductDecision::open_to(p.review).iter().map(|d| (d.slug(), d.key())).collect(),
    }))
}

/// The page of thing `id` of kind `target`, with a notice and what a
/// refused form had typed.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    (target, id): (Target, i64),
    status: StatusCode,
    notice: Option<(String, bool)>,
    typed: String,
) -> Result<HttpResponse, AppError> {
    let (thing, merchant, rows, inspected, reports) = state
        .db(move |conn| {
            let thing = match target {
                Target::Room => room(conn, id)?,
                Target::Host => host(conn, id)?,
                Target::Product => product(conn, id)?,
                Target::Merchant => None,
            }
            .ok_or(AppError::NotFound)?;
            let merchant = merchants::find(conn, thing.merchant_id)?.ok_or(AppError::NotFound)?.name;
            let inspected = match target {
                Target::Room => Some(inspections::of_room(conn, id, super::inspections::ROOM_AT_MOST)?),
                _ => None,
            };
            let reports = match target {
                Target::Room => Some(crate::store::reports::of_room(conn, id, ROOM_REPORTS)?),
                _ => None,
            };
            let rows: Vec<ActionRow> = actions::on_target(conn, target, id)?;
            Ok((thing, merchant, rows, inspected, reports))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = ThingPage {
        merchant_id: thing.merchant_id,
        merchant,
        what: t.get(thing.what).to_owned(),
        title: thing.title,
        marker: thing.marker,
        status: thing.status.0,
        status_label: t.get(thing.status.1).to_owned(),
        facts: thing
            .facts
            .into_iter()
            .map(|(k, v, is_key)| (t.get(k).to_owned(), if is_key { t.get(&v).to_owned() } else { v }))
            .collect(),
        claims: thing
            .claims
            .map(|(c, cat)| pieces(&c, cat).into_iter().map(|(s, r)| (s.to_owned(), r.map(|r| r.slug()))).collect())
            .unwrap_or_default(),
        reason: thing.reason,
        measures: measures(&t, state.config.tz, &rows),
        action: format!("/supervisor/{}s/{id}", target.slug()),
        field: thing.field,
        choices: thing.choices.into_iter().map(|(slug, key)| (slug, t.get(key).to_owned())).collect(),
        notice,
        typed,
        csrf: csrf::token(req),
        inspections: inspected.map(|rows| {
            (format!("/supervisor/inspections/new?room={id}"), super::inspections::lines(&t, state.config.tz, &rows))
        }),
        reports: reports.map(|(rows, all)| (all, super::reports::members(&t, state.config.tz, &rows))),
        ctx,
    };
    render(status, &page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

/// A notice for `?done=`.
fn done_notice(req: &HttpRequest, done: &Done) -> Option<(String, bool)> {
    let t = PageCtx::new(req).t;
    (done.done == "decided").then(|| (t.get("live_review.done").to_owned(), false))
}

#[get("/supervisor/rooms/{id}")]
pub async fn show_room(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<RoomId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let notice = done_notice(&req, &done);
    page(&state, &req, (Target::Room, id.0), StatusCode::OK, notice, String::new()).await
}

#[get("/supervisor/hosts/{id}")]
pub async fn show_host(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<HostId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let notice = done_notice(&req, &done);
    page(&state, &req, (Target::Host, id.0), StatusCode::OK, notice, String::new()).await
}

#[get("/supervisor/products/{id}")]
pub async fn show_product(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<ProductId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let notice = done_notice(&req, &done);
    page(&state, &req, (Target::Product, id.0), StatusCode::OK, notice, String::new()).await
}

/// A measure's refusal: its status and message key; `None` for what is
/// not a refusal (not found, a database error).
pub fn refusal(e: ReviewError) -> Result<(StatusCode, &'static str), AppError> {
    match e {
        ReviewError::NotFound => Err(AppError::NotFound),
        ReviewError::Db(e) => Err(e.into()),
        ReviewError::Decision => Ok((StatusCode::UNPROCESSABLE_ENTITY, "product_review.error_decision")),
        ReviewError::Reason => Ok((StatusCode::UNPROCESSABLE_ENTITY, "product_review.error_reason")),
        ReviewError::State => Ok((StatusCode::CONFLICT, "product_review.error_state")),
    }
}

/// The page again after a refused form, its message on top and the
/// reason kept.
pub async fn refused(
    state: &AppState,
    req: &HttpRequest,
    thing: (Target, i64),
    e: ReviewError,
    typed: String,
) -> Result<HttpResponse, AppError> {
    let (status, key) = refusal(e)?;
    let message = PageCtx::new(req).t.get(key).to_owned();
    page(state, req, thing, status, Some((message, true)), typed).await
}

/// Back to the thing's page, which says the measure was taken.
pub fn back((target, id): (Target, i64)) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", format!("/supervisor/{}s/{id}?done=decided", target.slug())))
        .finish()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MeasureFields {
    measure: String,
    reason: String,
}

/// Runs a room or host measure under the audit log and answers.
async fn measure<F, T>(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: Supervisor,
    thing: (Target, i64),
    form: CsrfForm<MeasureFields>,
    apply: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(
            &mut crate::store::DbConnection,
            &crate::config::Config,
            i64,
            &str,
            &str,
            i64,
            chrono::DateTime<chrono::Utc>,
        ) -> Result<T, ReviewError>
        + Send
        + 'static,
    T: Send + 'static,
{
    let fields = form.or_forbidden()?.fields;
    let (m, why) = (fields.measure.clone(), fields.reason.clone());
    let (config, by) = (state.config.clone(), who.0.user_id);
    let entry = (AuditKind::MeasureTaken, format!("{} {}", fields.measure.trim(), fields.reason.trim()));
    let subject = format!("{} {}", thing.0.slug(), thing.1);
    let result = with_audit(
        &state,
        &req,
        &who,
        entry,
        move |conn, now| apply(conn, &config, thing.1, &m, &why, by, now),
        move |_| subject,
    )
    .await?;
    match result {
        Ok(_) => Ok(back(thing)),
        Err(e) => refused(&state, &req, thing, e, fields.reason).await,
    }
}

#[post("/supervisor/rooms/{id}")]
pub async fn room_measure(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<RoomId>,
    form: CsrfForm<MeasureFields>,
) -> Result<HttpResponse, AppError> {
    measure(state, req, who, (Target::Room, id.0), form, review::room_measure).await
}

#[post("/supervisor/hosts/{id}")]
pub async fn host_measure(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<HostId>,
    form: CsrfForm<MeasureFields>,
) -> Result<HttpResponse, AppError> {
    measure(state, req, who, (Target::Host, id.0), form, review::host_measure).await
}

//! The four lists, each with the form that adds to it: a form sent with a
//! mistake is shown again (422) with every message next to its field and
//! everything typed kept; one that worked sends the browser back to the
//! list (303) with a notice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::{Tab, TabLink, err, tabs};
use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::live::forms::{HostForm, ProductForm, RoomForm, SessionForm};
use crate::domain::live::{HostKind, Platform, ProductCategory};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::live::{self as service, LiveError};
use crate::store::from_db;
use crate::store::live::{self, HostRow, ProductRow, RoomRow, SessionRow};
use crate::web::consumer::Choice;
use crate::web::form::{self, CsrfForm, CsrfListForm};
use crate::web::page::{PageCtx, render};
use crate::web::session::MerchantStaff;
use crate::web::view::{self, FieldView};
use crate::web::{AppState, csrf};

/// `?done=registered` after a form that worked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

fn notice(t: &Tr, done: &Done) -> Option<String> {
    (done.done == "registered").then(|| t.get("live.done_registered").to_owned())
}

fn choices<T: Copy>(
    t: &Tr,
    all: &[T],
    slug: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
    typed: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice { value: slug(*v).into(), label: t.get(key(*v)).into(), selected: slug(*v) == typed.trim() })
        .collect()
}

fn back(path: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("{path}?done=registered"))).finish()
}

/// The service's refusal: its reasons next to the fields; what else is
/// the error page's.
fn refused(e: LiveError) -> Result<(FieldErrors, Vec<ProductRow>), AppError> {
    match e {
        LiveError::Fields(errors, products) => Ok((errors, products)),
        LiveError::Db(e) => Err(e.into()),
    }
}

// --- Rooms ---

pub struct RoomLine {
    pub id: i64,
    pub name: String,
    pub platform: String,
    pub room_ref: String,
    pub status: &'static str,
    pub status_label: String,
}

#[derive(Template)]
#[template(path = "merchant/live/rooms.html")]
struct RoomsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<RoomLine>,
    platform: FieldView,
    platforms: Vec<Choice>,
    name: FieldView,
    room_ref: FieldView,
    csrf: String,
}

pub fn room_line(t: &Tr, r: &RoomRow) -> RoomLine {
    RoomLine {
        id: r.id,
        name: r.name.clone(),
        platform: t.get(r.platform.key()).to_owned(),
        room_ref: r.room_ref.clone(),
        status: r.status.slug(),
        status_label: t.get(r.status.key()).to_owned(),
    }
}

async fn rooms_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done): (&RoomForm, &FieldErrors, &Done),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(live::rooms(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = RoomsPage {
        tabs: tabs(&t, Tab::Rooms),
        notice: notice(&t, done),
        rows: rows.iter().map(|r| room_line(&t, r)).collect(),
        platform: FieldView::new(&t, "live.platform", &typed.platform, err(&t, errors, Field::Platform)),
        platforms: choices(&t, Platform::ALL, Platform::slug, Platform::key, &typed.platform),
        name: FieldView::new(&t, "live.name", &typed.name, err(&t, errors, Field::Name)),
        room_ref: FieldView::new(&t, "live.room_ref", &typed.room_ref, err(&t, errors, Field::RoomRef)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/rooms")]
pub async fn list_rooms(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    rooms_page(&state, &req, &who, StatusCode::OK, (&RoomForm::default(), &FieldErrors::default(), &done)).await
}

#[post("/merchant/rooms")]
pub async fn create_room(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<RoomForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let errors = match typed.validate() {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_room(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/rooms")),
                Err(e) => refused(e)?.0,
            }
        }
        Err(errors) => errors,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    rooms_page(&state, &req, &who, status, (&typed, &errors, &Done::default())).await
}

// --- Hosts ---

pub struct HostLine {
    pub id: i64,
    pub display_name: String,
    pub real_name: String,
    pub kind: String,
    pub agency: String,
    pub medical_staff: bool,
    pub status: &'static str,
    pub status_label: String,
}

#[derive(Template)]
#[template(path = "merchant/live/hosts.html")]
struct HostsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<HostLine>,
    display_name: FieldView,
    real_name: FieldView,
    kind: FieldView,
    kinds: Vec<Choice>,
    agency: FieldView,
    medical_staff: FieldView,
    medical_checked: bool,
    csrf: String,
}

pub fn host_line(t: &Tr, h: &HostRow) -> HostLine {
    HostLine {
        id: h.id,
        display_name: h.display_name.clone(),
        real_name: h.real_name.clone(),
        kind: t.get(h.kind.key()).to_owned(),
        agency: h.agency.clone().unwrap_or_default(),
        medical_staff: h.medical_staff,
        status: h.status.slug(),
        status_label: t.get(h.status.key()).to_owned(),
    }
}

async fn hosts_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done): (&HostForm, &FieldErrors, &Done),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(live::hosts(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = HostsPage {
        tabs: tabs(&t, Tab::Hosts),
        notice: notice(&t, done),
        rows: rows.iter().map(|h| host_line(&t, h)).collect(),
        display_name: FieldView::new(&t, "live.display_name", &typed.display_name, err(&t, errors, Field::DisplayName)),
        real_name: FieldView::new(&t, "live.real_name", &typed.real_name, err(&t, errors, Field::RealName)),
        kind: FieldView::new(&t, "live.kind", &typed.kind, err(&t, errors, Field::Kind)),
        kinds: choices(&t, HostKind::ALL, HostKind::slug, HostKind::key, &typed.kind),
        agency: FieldView::new(&t, "live.agency", &typed.agency, err(&t, errors, Field::Agency)),
        medical_staff: FieldView::new(&t, "live.medical_staff", "", err(&t, &FieldErrors::default(), Field::Host)),
        medical_checked: !typed.medical_staff.trim().is_empty(),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/hosts")]
pub async fn list_hosts(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    hosts_page(&state, &req, &who, StatusCode::OK, (&HostForm::default(), &FieldErrors::default(), &done)).await
}

#[post("/merchant/hosts")]
pub async fn create_host(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<HostForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let errors = match typed.validate() {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_host(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/hosts")),
                Err(e) => refused(e)?.0,
            }
        }
        Err(errors) => errors,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    hosts_page(&state, &req, &who, status, (&typed, &errors, &Done::default())).await
}

// --- Products ---

pub struct ProductLine {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub licence: String,
    pub review: &'static str,
    pub review_label: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "merchant/live/products.html")]
struct ProductsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<ProductLine>,
    name: FieldView,
    product_category: FieldView,
    categories: Vec<Choice>,
    claims: FieldView,
    licence: FieldView,
    csrf: String,
}

pub fn product_line(t: &Tr, p: &ProductRow) -> ProductLine {
    ProductLine {
        id: p.id,
        name: p.name.clone(),
        category: t.get(p.category.key()).to_owned(),
        licence: p.licence.clone().unwrap_or_default(),
        review: p.review.slug(),
        review_label: t.get(p.review.key()).to_owned(),
        reason: p.review_reason.clone().unwrap_or_default(),
    }
}

async fn products_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done): (&ProductForm, &FieldErrors, &Done),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(live::products(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = ProductsPage {
        tabs: tabs(&t, Tab::Products),
        notice: notice(&t, done),
        rows: rows.iter().map(|p| product_line(&t, p)).collect(),
        name: FieldView::new(&t, "live.product_name", &typed.name, err(&t, errors, Field::Name)),
        product_category: FieldView::new(
            &t,
            "live.product_category",
            &typed.product_category,
            err(&t, errors, Field::ProductCategory),
        ),
        categories: choices(
            &t,
            ProductCategory::ALL,
            ProductCategory::slug,
            ProductCategory::key,
            &typed.product_category,
        ),
        claims: FieldView::new(&t, "live.claims", &typed.claims, err(&t, errors, Field::Claims)),
        licence: FieldView::new(&t, "live.licence", &typed.licence, err(&t, errors, Field::Licence)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/products")]
pub async fn list_products(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    products_page(&state, &req, &who, StatusCode::OK, (&ProductForm::default(), &FieldErrors::default(), &done)).await
}

#[post("/merchant/products")]
pub async fn create_product(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<ProductForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let errors = match typed.validate() {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_product(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/products")),
                Err(e) => refused(e)?.0,
            }
        }
        Err(errors) => errors,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    products_page(&state, &req, &who, status, (&typed, &errors, &Done::default())).await
}

// --- Sessions ---

pub struct SessionLine {
    pub id: i64,
    pub room: String,
    pub host: String,
    pub started: view::TimeView,
    pub ended: view::TimeView,
}

#[derive(Template)]
#[template(path = "merchant/live/sessions.html")]
struct SessionsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<SessionLine>,
    room: FieldView,
    rooms: Vec<Choice>,
    host: FieldView,
    hosts: Vec<Choice>,
    started_at: FieldView,
    ended_at: FieldView,
    products: FieldView,
    offered: Vec<Choice>,
    csrf: String,
}

/// The session form as sent: `products` is a checkbox group.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SessionFields {
    room: String,
    host: String,
    started_at: String,
    ended_at: String,
    #[serde(deserialize_with = "form::list")]
    products: Vec<String>,
}

impl From<SessionFields> for SessionForm {
    fn from(f: SessionFields) -> SessionForm {
        SessionForm { room: f.room, host: f.host, started_at: f.started_at, ended_at: f.ended_at, products: f.products }
    }
}

/// A session in a line: room · host.
pub fn session_line(t: &Tr, tz: chrono_tz::Tz, s: &SessionRow, rooms: &[RoomRow], hosts: &[HostRow]) -> SessionLine {
    SessionLine {
        id: s.id,
        room: rooms.iter().find(|r| r.id == s.room_id).map(|r| r.name.clone()).unwrap_or_default(),
        host: hosts.iter().find(|h| h.id == s.host_id).map(|h| h.display_name.clone()).unwrap_or_default(),
        started: view::time(t, tz, from_db(s.started_at)),
        ended: view::time(t, tz, from_db(s.ended_at)),
    }
}

async fn sessions_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done, bad): (&SessionForm, &FieldErrors, &Done, &[ProductRow]),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let (all_sessions, all_rooms, all_hosts, all_products) = state
        .db(move |conn| {
            Ok((live::sessions(conn, m)?, live::rooms(conn, m)?, live::hosts(conn, m)?, live::products(conn, m)?))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let tz = state.config.tz;
    let mut products_field = FieldView::new(&t, "live.products", "", err(&t, errors, Field::Products));
    if errors.get(Field::Products) == Some(Invalid::ProductNotApproved) {
        let names: Vec<String> = bad.iter().map(|p| format!("{}（{}）", p.name, t.get(p.review.key()))).collect();
        products_field.error = Some(t.fmt("error.product_not_approved", &[("products", &names.join("、"))]));
    }
    let pick = |value: String, label: String, typed: &str| Choice { selected: value == typed.trim(), value, label };
    let page = SessionsPage {
        tabs: tabs(&t, Tab::Sessions),
        notice: notice(&t, done),
        rows: all_sessions.iter().map(|s| session_line(&t, tz, s, &all_rooms, &all_hosts)).collect(),
        room: FieldView::new(&t, "live.room", &typed.room, err(&t, errors, Field::Room)),
        rooms: all_rooms
            .iter()
            .map(|r| {
                pick(
                    r.id.to_string(),
                    format!("{} · {} · {}", r.name, t.get(r.platform.key()), t.get(r.status.key())),
                    &typed.room,
                )
            })
            .collect(),
        host: FieldView::new(&t, "live.host", &typed.host, err(&t, errors, Field::Host)),
        hosts: all_hosts
            .iter()
            .map(|h| {
                let medical = if h.medical_staff { t.get("live.medical_mark") } else { "" };
                let label = format!("{}{medical} · {}", h.display_name, t.get(h.status.key()));
                pick(h.id.to_string(), label, &typed.host)
            })
            .collect(),
        started_at: FieldView::new(&t, "live.started_at", &typed.started_at, err(&t, errors, Field::StartedAt)),
        ended_at: FieldView::new(&t, "live.ended_at", &typed.ended_at, err(&t, errors, Field::EndedAt)),
        products: products_field,
        // Only what may be featured is offered; a product sent that is
        // not approved (a page open since it was delisted) is refused.
        offered: all_products
            .iter()
            .filter(|p| p.review.may_be_featured())
            .map(|p| Choice {
                value: p.id.to_string(),
                label: format!("{} · {}", p.name, t.get(p.category.key())),
                selected: typed.products.iter().any(|v| v.trim() == p.id.to_string()),
            })
            .collect(),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/sessions")]
pub async fn list_sessions(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let empty = SessionForm::default();
    sessions_page(&state, &req, &who, StatusCode::OK, (&empty, &FieldErrors::default(), &done, &[])).await
}

#[post("/merchant/sessions")]
pub async fn create_session(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfListForm<SessionFields>,
) -> Result<HttpResponse, AppError> {
    let typed = SessionForm::from(form.or_forbidden()?.fields);
    let (errors, bad) = match typed.validate(state.config.tz) {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_session(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/sessions")),
                Err(e) => refused(e)?,
            }
        }
        Err(errors) => (errors, Vec::new()),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    sessions_page(&state, &req, &who, status, (&typed, &errors, &Done::default(), &bad)).await
}

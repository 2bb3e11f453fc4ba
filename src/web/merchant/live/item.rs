//! One room, host, product or session of the merchant's, on its own page:
//! what was registered, where it stands (`data-room-status`,
//! `data-host-status`, `data-review`), and every measure a supervisor took
//! on it with the reason; while one applies, a banner says so and where to
//! appeal it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::domain::live::{Review, Target};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::store::actions::{self, ActionRow};
use crate::store::from_db;
use crate::store::live;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::path::{HostId, LiveSessionId, ProductId, RoomId};
use crate::web::session::MerchantStaff;
use crate::web::view::{self, MeasureLine, measures};

#[derive(Template)]
#[template(path = "merchant/live/item.html")]
struct ItemPage {
    ctx: PageCtx,
    back: &'static str,
    back_label: String,
    title: String,
    /// `data-room-status`, `data-host-status` or `data-review`, and its value.
    marker: &'static str,
    status: &'static str,
    status_label: String,
    facts: Vec<(String, String)>,
    /// The reason a product was rejected or delisted.
    reason: Option<String>,
    banner: Option<String>,
    measures: Vec<MeasureLine>,
    /// A session's products: (name, review slug, its label).
    featured: Vec<(i64, String, &'static str, String)>,
}

/// The banner while a measure applies: the newest one not ended.
fn banner(t: &Tr, rows: &[ActionRow]) -> Option<String> {
    rows.iter()
        .find(|a| a.ended_at.is_none() && a.kind.is_ongoing())
        .map(|a| t.fmt("live.banner", &[("kind", &t.get(a.kind.key())), ("reason", &a.reason)]))
}

struct Base {
    back: &'static str,
    back_key: &'static str,
    title: String,
    marker: &'static str,
    status: &'static str,
    status_key: &'static str,
}

fn page(req: &HttpRequest, state: &AppState, base: Base, facts: Vec<(&str, String)>, rows: &[ActionRow]) -> ItemPage {
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let tz = state.config.tz;
    ItemPage {
        back: base.back,
        back_label: t.get(base.back_key).to_owned(),
        title: base.title,
        marker: base.marker,
        status: base.status,
        status_label: t.get(base.status_key).to_owned(),
        facts: facts.into_iter().map(|(k, v)| (t.get(k).to_owned(), v)).collect(),
        reason: None,
        banner: banner(&t, rows),
        measures: measures(&t, tz, rows),
        featured: Vec::new(),
        ctx,
    }
}

#[get("/merchant/rooms/{id}")]
pub async fn show_room(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<RoomId>,
) -> Result<HttpResponse, AppError> {
    let (m, id) = (who.merchant_id, id.into_inner().0);
    let (r, rows) = state
        .db(move |conn| {
            let r = live::room_of(conn, m, id)?.ok_or(AppError::NotFound)?;
            Ok((r, actions::on_target(conn, Target::Room, id)?))
        })
        .await?;
    let t = PageCtx::new(&req).t;
    let base = Base {
        back: "/merchant/rooms",
        back_key: "live.rooms",
        title: r.name.clone(),
        marker: "data-room-status",
        status: r.status.slug(),
        status_key: r.status.key(),
    };
    let facts = vec![("live.platform", t.get(r.platform.key()).to_owned()), ("live.room_ref", r.room_ref.clone())];
    render(StatusCode::OK, &page(&req, &state, base, facts, &rows))
}

#[get("/merchant/hosts/{id}")]
pub async fn show_host(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<HostId>,
) -> Result<HttpResponse, AppError> {
    let (m, id) = (who.merchant_id, id.into_inner().0);
    let (h, rows) = state
        .db(move |conn| {
            let h = live::host_of(conn, m, id)?.ok_or(AppError::NotFound)?;
            Ok((h, actions::on_target(conn, Target::Host, id)?))
        })
        .await?;
    let t = PageCtx::new(&req).t;
    let base = Base {
        back: "/merchant/hosts",
        back_key: "live.hosts",
        title: h.display_name.clone(),
        marker: "data-host-status",
        status: h.status.slug(),
        status_key: h.status.key(),
    };
    let yes_no = |b: bool| t.get(if b { "live.yes" } else { "live.no" }).to_owned();
    let mut facts = vec![("live.real_name", h.real_name.clone()), ("live.kind", t.get(h.kind.key()).to_owned())];
    if let Some(a) = &h.agency {
        facts.push(("live.agency", a.clone()));
    }
    facts.push(("live.medical_staff", yes_no(h.medical_staff)));
    render(StatusCode::OK, &page(&req, &state, base, facts, &rows))
}

#[get("/merchant/products/{id}")]
pub async fn show_product(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<ProductId>,
) -> Result<HttpResponse, AppError> {
    let (m, id) = (who.merchant_id, id.into_inner().0);
    let (p, rows) = state
        .db(move |conn| {
            let p = live::product_of(conn, m, id)?.ok_or(AppError::NotFound)?;
            Ok((p, actions::on_target(conn, Target::Product, id)?))
        })
        .await?;
    let t = PageCtx::new(&req).t;
    let base = Base {
        back: "/merchant/products",
        back_key: "live.products",
        title: p.name.clone(),
        marker: "data-review",
        status: p.review.slug(),
        status_key: p.review.key(),
    };
    let mut facts =
        vec![("live.product_category", t.get(p.category.key()).to_owned()), ("live.claims", p.claims.clone())];
    if let Some(l) = &p.licence {
        facts.push(("live.licence", l.clone()));
    }
    let mut page = page(&req, &state, base, facts, &rows);
    page.reason = p.review_reason.clone().filter(|_| matches!(p.review, Review::Rejected | Review::Delisted));
    render(StatusCode::OK, &page)
}

#[get("/merchant/sessions/{id}")]
pub async fn show_session(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<LiveSessionId>,
) -> Result<HttpResponse, AppError> {
    let (m, id) = (who.merchant_id, id.into_inner().0);
    let (s, the_room, the_host, featured) = state
        .db(move |conn| {
            let s = live::session_of(conn, m, id)?.ok_or(AppError::NotFound)?;
            let the_room = live::find_room(conn, s.room_id)?.ok_or(AppError::NotFound)?;
            let the_host = live::find_host(conn, s.host_id)?.ok_or(AppError::NotFound)?;
            Ok((s, the_room, the_host, live::session_products(conn, id)?))
        })
        .await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let tz = state.config.tz;
    let when = |at| view::time(&t, tz, from_db(at)).local;
    let base = Base {
        back: "/merchant/sessions",
        back_key: "live.sessions",
        title: format!("{} · {}", the_room.name, when(s.started_at)),
        marker: "data-room-status",
        status: the_room.status.slug(),
        status_key: the_room.status.key(),
    };
    let facts = vec![
        ("live.room", the_room.name.clone()),
        ("live.host", the_host.display_name.clone()),
        ("live.started_at", when(s.started_at)),
        ("live.ended_at", when(s.ended_at)),
    ];
    let mut page = page(&req, &state, base, facts, &[]);
    page.featured =
        featured.iter().map(|p| (p.id, p.name.clone(), p.review.slug(), t.get(p.review.key()).to_owned())).collect();
    render(StatusCode::OK, &page)
}

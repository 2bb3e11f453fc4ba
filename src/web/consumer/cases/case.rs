//! `GET /cases/{reference}`: one published case. Any other reference —
//! no consent, consent withdrawn, hidden, not yet due, no such case — is
//! the same 404.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::domain::deadline::DeadlineKind;
use crate::domain::event::{Actor, EventKind, Viewer};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::published::{self, Case, Text};
use crate::store::from_db;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::path::Reference;
use crate::web::view::{self, DeadlineView, TimeView};

/// A public text as the page shows it.
pub struct TextView {
    pub at: TimeView,
    /// `consumer` or `merchant`.
    pub by: &'static str,
    pub by_label: String,
    pub title: String,
    /// A proposal's terms ("退款 · ¥199.00").
    pub terms: Option<String>,
    pub body: String,
}

#[derive(Template)]
#[template(path = "consumer/case.html")]
struct CasePage {
    ctx: PageCtx,
    reference: String,
    merchant_id: i64,
    merchant: String,
    received: TimeView,
    category: String,
    product: Option<String>,
    room: Option<String>,
    asked: String,
    amount: Option<String>,
    narrative: String,
    texts: Vec<TextView>,
    deadlines: Vec<DeadlineView>,
    state: &'static str,
    state_label: String,
    outcome: Option<(&'static str, String)>,
    relief: Option<(&'static str, String)>,
    /// The merchant's public response: its slug and its words.
    response: Option<(&'static str, String)>,
}

fn text(t: &Tr, tz: chrono_tz::Tz, x: Text) -> TextView {
    let (by, by_key) = match x.actor {
        Actor::Merchant => ("merchant", "published.by_merchant"),
        _ => ("consumer", "published.by_consumer"),
    };
    TextView {
        at: view::time(t, tz, from_db(x.at)),
        by,
        by_label: t.get(by_key).to_owned(),
        title: t.get(if x.kind == EventKind::Proposal { "published.proposal" } else { "published.reply" }).to_owned(),
        terms: x.proposal.map(|(r, fen)| t.terms(r.map_or("", |r| r.slug()), fen)),
        body: x.body,
    }
}

fn page(ctx: PageCtx, state: &AppState, c: Case) -> CasePage {
    let (t, tz, now) = (ctx.t, state.config.tz, state.clock.now());
    let mut progress = c.progress;
    progress.catch_up(state.config.policy.consumer_silence, now);
    // Said of both sides in the third person, as to staff.
    let deadlines = vec![
        view::deadline(&t, tz, DeadlineKind::Response, &progress.response(), now, Viewer::Merchant),
        view::deadline(&t, tz, DeadlineKind::Resolution, &progress.resolution(), now, Viewer::Merchant),
    ];
    CasePage {
        reference: c.reference,
        merchant_id: c.merchant_id,
        merchant: c.merchant,
        received: view::time(&t, tz, from_db(c.submitted_at)),
        category: t.get(c.category.key()).to_owned(),
        product: c.product.map(|(name, category)| format!("{name}（{}）", t.get(category.key()))),
        room: c.room.map(|(name, platform)| format!("{name}（{}）", t.get(platform.key()))),
        asked: t.get(c.desired_resolution.key()).to_owned(),
        amount: c.amount_fen.map(view::money),
        narrative: c.narrative,
        texts: c.texts.into_iter().map(|x| text(&t, tz, x)).collect(),
        deadlines,
        state: progress.state.slug(),
        state_label: t.get(progress.state.key()).to_owned(),
        outcome: c.outcome.map(|o| (o.slug(), t.get(o.key()).to_owned())),
        relief: c.relief.map(|r| (r.kind.slug(), t.relief(&r.relief()))),
        response: c.response.map(|r| (r.slug(), t.get(r.key()).to_owned())),
        ctx,
    }
}

#[get("/cases/{reference}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
) -> Result<HttpResponse, AppError> {
    let reference = reference.into_inner().into_inner();
    let now = state.clock.now();
    let case = state.db(move |conn| Ok(published::case(conn, &reference, now)?)).await?.ok_or(AppError::NotFound)?;
    render(StatusCode::OK, &page(PageCtx::new(&req), &state, case))
}

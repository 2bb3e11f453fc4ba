//! `/supervisor/flags`: merchants, hosts and products flagged as repeat
//! offenders, with their reasons in words and numbers; confirm (a
//! supervision case), dismiss with a note, or close a case.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::complaint::Invalid;
use crate::domain::live::Target;
use crate::domain::offender::{Reason, public_before_confirmed};
use crate::error::AppError;
use crate::service::offenders::{FlagDecision, decide, reason_words};
use crate::store::flags;
use crate::store::from_db;
use crate::web::form::{CsrfForm, Posted};
use crate::web::page::{PageCtx, render};
use crate::web::path::FlagId;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::view::{self, TimeView};
use crate::web::{AppState, csrf};

pub struct FlagRow {
    pub id: i64,
    pub merchant_id: i64,
    pub merchant: String,
    /// What the flag is about: `merchant`, `host` or `product`.
    pub subject: &'static str,
    /// For a host's or a product's flag: "主播" or "商品", its name, and
    /// its page.
    pub about: Option<(String, String, String)>,
    pub state: String,
    pub reasons: Vec<String>,
    pub raised: TimeView,
    /// Shown on the public scorecard: the merchant's own, confirmed or
    /// raised by more than complaint volume.
    pub public: bool,
}

#[derive(Template)]
#[template(path = "supervisor/flags.html")]
struct FlagsPage {
    ctx: PageCtx,
    rows: Vec<FlagRow>,
    notice: Option<(String, bool)>,
    csrf: String,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    notice: Option<(String, bool)>,
) -> Result<HttpResponse, AppError> {
    let listed = state.db(|conn| Ok(flags::on_list(conn)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let (tz, days) = (state.config.tz, state.config.policy.flags.window.num_days());
    let rows = listed
        .into_iter()
        .map(|flags::Listed { flag: f, merchant, about }| FlagRow {
            id: f.id,
            merchant_id: f.merchant_id,
            merchant,
            subject: f.subject.slug(),
            about: about.map(|name| {
                let page = format!("/supervisor/{}s/{}", f.subject.slug(), f.subject_id.unwrap_or_default());
                (t.get(f.subject.key()).to_owned(), name, page)
            }),
            reasons: f.reasons.lines().filter_map(Reason::from_line).map(|r| reason_words(&t, days, &r)).collect(),
            raised: view::time(&t, tz, from_db(f.raised_at)),
            public: f.subject == Target::Merchant
                && (f.state != flags::FlagState::Flagged || public_before_confirmed(&f.reasons)),
            state: f.state.slug().into(),
        })
        .collect();
    render(status, &FlagsPage { ctx, rows, notice, csrf: csrf::token(req) })
}

/// `?done=confirm&about=host`: what was decided, and on what.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
    about: String,
}

#[get("/supervisor/flags")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let about = Target::from_slug(&query.about).unwrap_or(Target::Merchant);
    let key = |d: FlagDecision| match (d, about) {
        // The merchant's standing did not change: say so.
        (FlagDecision::Confirm, Target::Host | Target::Product) => "flags.done_confirm_about",
        _ => d.key(),
    };
    let done = FlagDecision::from_slug(&query.done);
    page(&state, &req, StatusCode::OK, done.map(|d| (t.get(key(d)).to_owned(), false))).await
}

/// The page again, with `refusal`'s message.
async fn refused(state: &AppState, req: &HttpRequest, refusal: Refusal) -> Result<HttpResponse, AppError> {
    let notice = Some((refusal.message(&PageCtx::new(req).t), true));
    page(state, req, refusal.status, notice).await
}

/// A flag's form: confirm, dismiss or close, with a note.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionFields {
    decision: String,
    note: String,
}

#[post("/supervisor/flags/{id}")]
pub async fn decide_flag(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<FlagId>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    let Ok(Posted { fields, .. }) = form.checked() else {
        return refused(&state, &req, Refusal::FORGED).await;
    };
    let Some(decision) = FlagDecision::from_slug(&fields.decision) else {
        return refused(&state, &req, Refusal::invalid(Invalid::UnknownChoice)).await;
    };
    let (id, actor, clock) = (id.into_inner(), state.actor(&req, &who.0), state.clock.clone());
    match state.db(move |conn| Ok(decide(conn, id.0, decision, &fields.note, &actor, clock.now()))).await? {
        Ok(Target::Merchant) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/flags?done={decision}")))
            .finish()),
        Ok(about) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/flags?done={decision}&about={about}")))
            .finish()),
        Err(e) => refused(&state, &req, e.refusal()?).await,
    }
}

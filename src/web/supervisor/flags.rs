//! `/supervisor/flags`: merchants flagged as repeat offenders, with their
//! reasons in words and numbers; confirm (a supervision case), dismiss
//! with a note, or close a case.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::offender::{Reason, public_before_confirmed};
use crate::error::AppError;
use crate::service::offenders::{FlagDecision, FlagError, decide, reason_words};
use crate::store::flags;
use crate::store::from_db;
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view::{self, TimeView};
use crate::web::{AppState, csrf, form};

pub struct FlagRow {
    pub id: i64,
    pub merchant_id: i64,
    pub merchant: String,
    pub state: String,
    pub reasons: Vec<String>,
    pub raised: TimeView,
    /// Shown on the public scorecard: confirmed, or raised by more than
    /// complaint volume.
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
        .map(|(f, merchant)| FlagRow {
            id: f.id,
            merchant_id: f.merchant_id,
            merchant,
            reasons: f.reasons.lines().filter_map(Reason::from_line).map(|r| reason_words(&t, days, &r)).collect(),
            raised: view::time(&t, tz, from_db(f.raised_at)),
            public: f.state != flags::FlagState::Flagged || public_before_confirmed(&f.reasons),
            state: f.state.slug().into(),
        })
        .collect();
    render(status, &FlagsPage { ctx, rows, notice, csrf: csrf::token(req) })
}

#[get("/supervisor/flags")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let done = query.get("done").filter(|d| FlagDecision::from_slug(d).is_some());
    page(&state, &req, StatusCode::OK, done.map(|d| (t.get(&format!("flags.done_{d}")).to_owned(), false))).await
}

#[post("/supervisor/flags/{id}")]
pub async fn decide_flag(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let fields = form::read(&req, body).await?;
    let t = PageCtx::new(&req).t;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return page(&state, &req, StatusCode::FORBIDDEN, Some((t.get("error.csrf_action").into(), true))).await;
    }
    let Some(decision) = FlagDecision::from_slug(&fields.get("decision")) else {
        return page(
            &state,
            &req,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((t.get("error.unknown_choice").into(), true)),
        )
        .await;
    };
    let (actor, clock, note) = (state.actor(&req, &who.0), state.clock.clone(), fields.get("note"));
    match state.db(move |conn| Ok(decide(conn, id, decision, &note, &actor, clock.now()))).await? {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/flags?done={decision}")))
            .finish()),
        Err(FlagError::NotFound) => Err(AppError::NotFound),
        Err(FlagError::Db(e)) => Err(e.into()),
        Err(FlagError::Note) => {
            page(&state, &req, StatusCode::UNPROCESSABLE_ENTITY, Some((t.get("flags.error_note").into(), true))).await
        }
        Err(FlagError::State) => {
            page(&state, &req, StatusCode::UNPROCESSABLE_ENTITY, Some((t.get("error.illegal_action").into(), true)))
                .await
        }
    }
}

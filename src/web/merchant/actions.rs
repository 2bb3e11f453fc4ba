//! `/merchant/actions`: actions taken against this merchant, with their
//! reasons, and the appeal against each: start within 5 days, submit
//! within 3 more, once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::action::AppealWindows;
use crate::error::AppError;
use crate::service::actions::{self as service, AppealStatus, appeal_status};
use crate::store::actions;
use crate::web::consumer::scorecard::{ActionView, action_view};
use crate::web::form::{CsrfForm, Forged};
use crate::web::page::{PageCtx, render};
use crate::web::path::ActionId;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::MerchantStaff;
use crate::web::view;
use crate::web::{AppState, csrf};

pub struct ActionLine {
    pub id: i64,
    pub view: ActionView,
    /// What the merchant can do about it, in words.
    pub status: String,
    pub can_start: bool,
    pub can_submit: bool,
    /// Taken by the sweeper for a deposit left short, not by a person.
    pub automatic: bool,
}

#[derive(Template)]
#[template(path = "merchant/actions.html")]
struct ActionsPage {
    ctx: PageCtx,
    lines: Vec<ActionLine>,
    /// Points of the last 12 months that count, and the credit score.
    points: (i64, i32),
    notice: Option<(String, bool)>,
    statement: String,
    materials: String,
    csrf: String,
}

#[derive(Default)]
struct Typed {
    notice: Option<(String, bool)>,
    statement: String,
    materials: String,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let (merchant_id, now) = (who.merchant_id, state.clock.now());
    let (taken, appeals, names, automatic) = state
        .db(move |conn| {
            let taken = actions::for_merchant_at(conn, merchant_id, now)?;
            let names = crate::store::live::target_names(conn, &taken)?;
            let automatic = crate::store::deposits::automatic_actions(conn, merchant_id)?;
            Ok((taken, actions::appeals_for_merchant(conn, merchant_id)?, names, automatic))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let tz = state.config.tz;
    let counted = actions::counted_points(&taken, now);
    let time = |at| view::time(&t, tz, at).local;
    let lines = taken
        .iter()
        .map(|a| {
            let status =
                appeal_status(a, appeals.iter().find(|ap| ap.action_id == a.id), AppealWindows::default(), now);
            let words = match &status {
                AppealStatus::CanStart { until } => t.fmt("appeal.can_start", &[("until", &time(*until))]),
                AppealStatus::StartExpired { closed } => t.fmt("appeal.start_expired", &[("closed", &time(*closed))]),
                AppealStatus::CanSubmit { until } => t.fmt("appeal.can_submit", &[("until", &time(*until))]),
                AppealStatus::SubmitExpired { closed } => t.fmt("appeal.submit_expired", &[("closed", &time(*closed))]),
                AppealStatus::Submitted => t.get("appeal.submitted").to_owned(),
                AppealStatus::Granted { reason } => t.fmt("appeal.granted", &[("reason", reason)]),
                AppealStatus::Rejected { reason } => t.fmt("appeal.rejected", &[("reason", reason)]),
                AppealStatus::NotAppealable => t.get("appeal.not_appealable").to_owned(),
            };
            ActionLine {
                id: a.id,
                view: ActionView { on: view::target_words(&t, &names, a), ..action_view(&t, tz, a) },
                can_start: matches!(status, AppealStatus::CanStart { .. }),
                can_submit: matches!(status, AppealStatus::CanSubmit { .. }),
                automatic: automatic.contains(&a.id),
                status: words,
            }
        })
        .collect();
    let page = ActionsPage {
        lines,
        points: (counted, crate::domain::violation::credit_score(counted)),
        notice: typed.notice,
        statement: typed.statement,
        materials: typed.materials,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/actions")]
pub async fn show(req: HttpRequest, who: MerchantStaff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    page(&state, &req, &who, StatusCode::OK, Typed::default()).await
}

/// The appeal's statement and materials, as the form sends them.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppealFields {
    statement: String,
    materials: String,
}

/// The page again, with `refusal`'s message and what was typed.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    refusal: Refusal,
    typed: AppealFields,
) -> Result<HttpResponse, AppError> {
    let notice = Some((refusal.message(&PageCtx::new(req).t), true));
    let typed = Typed { notice, statement: typed.statement, materials: typed.materials };
    page(state, req, who, refusal.status, typed).await
}

fn back() -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", "/merchant/actions")).finish()
}

#[post("/merchant/actions/{id}/appeal")]
pub async fn start(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    action: web::Path<ActionId>,
    form: CsrfForm<AppealFields>,
) -> Result<HttpResponse, AppError> {
    if let Err(Forged(_)) = form.checked() {
        return refused(&state, &req, &who, Refusal::FORGED, AppealFields::default()).await;
    }
    let (merchant, action, user, clock) = (who.merchant_id, action.0, who.staff.user_id, state.clock.clone());
    let result = state
        .db(move |conn| Ok(service::start_appeal(conn, merchant, action, user, AppealWindows::default(), clock.now())))
        .await?;
    match result {
        Ok(()) => Ok(back()),
        Err(e) => refused(&state, &req, &who, e.refusal()?, AppealFields::default()).await,
    }
}

#[post("/merchant/actions/{id}/appeal/submit")]
pub async fn submit(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    action: web::Path<ActionId>,
    form: CsrfForm<AppealFields>,
) -> Result<HttpResponse, AppError> {
    let typed = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refused(&state, &req, &who, Refusal::FORGED, posted.fields).await,
    };
    let (merchant, action, clock) = (who.merchant_id, action.0, state.clock.clone());
    let (statement, materials) = (typed.statement.clone(), typed.materials.clone());
    let result = state
        .db(move |conn| {
            let windows = AppealWindows::default();
            Ok(service::submit_appeal(conn, merchant, action, &statement, &materials, windows, clock.now()))
        })
        .await?;
    match result {
        Ok(()) => Ok(back()),
        Err(e) => refused(&state, &req, &who, e.refusal()?, typed).await,
    }
}

//! `/merchant/actions`: actions taken against this merchant, with their
//! reasons, and the appeal against each: start within 5 days, submit
//! within 3 more, once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::action::AppealWindows;
use crate::error::AppError;
use crate::service::actions::{self as service, AppealError, AppealStatus, appeal_status};
use crate::store::actions;
use crate::web::consumer::scorecard::{ActionView, action_view};
use crate::web::page::{PageCtx, render};
use crate::web::session::MerchantStaff;
use crate::web::view;
use crate::web::{AppState, csrf, form};

pub struct ActionLine {
    pub id: i64,
    pub view: ActionView,
    /// What the merchant can do about it, in words.
    pub status: String,
    pub can_start: bool,
    pub can_submit: bool,
}

#[derive(Template)]
#[template(path = "merchant/actions.html")]
struct ActionsPage {
    ctx: PageCtx,
    lines: Vec<ActionLine>,
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
    let merchant_id = who.merchant_id;
    let (taken, appeals) = state
        .db(move |conn| {
            Ok((actions::for_merchant(conn, merchant_id)?, actions::appeals_for_merchant(conn, merchant_id)?))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let (tz, now) = (state.config.tz, state.clock.now());
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
                view: action_view(&t, tz, a),
                can_start: matches!(status, AppealStatus::CanStart { .. }),
                can_submit: matches!(status, AppealStatus::CanSubmit { .. }),
                status: words,
            }
        })
        .collect();
    let page = ActionsPage {
        lines,
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

fn refused(t: &crate::i18n::Tr, e: AppealError) -> Result<String, AppError> {
    match e {
        AppealError::NotFound => Err(AppError::NotFound),
        AppealError::Db(e) => Err(e.into()),
        AppealError::Statement => Ok(t.get("appeal.error_statement").to_owned()),
        AppealError::Decision => Ok(t.get("error.illegal_action").to_owned()),
        AppealError::NotNow(AppealStatus::StartExpired { .. }) => Ok(t.get("appeal.too_late_to_start").to_owned()),
        AppealError::NotNow(AppealStatus::SubmitExpired { .. }) => Ok(t.get("appeal.too_late_to_submit").to_owned()),
        AppealError::NotNow(_) => Ok(t.get("appeal.once_only").to_owned()),
    }
}

#[post("/merchant/actions/{id}/appeal")]
pub async fn start(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let action: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let fields = form::read(&req, body).await?;
    let t = PageCtx::new(&req).t;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return page(
            &state,
            &req,
            &who,
            StatusCode::FORBIDDEN,
            Typed { notice: Some((t.get("error.csrf_action").into(), true)), ..Typed::default() },
        )
        .await;
    }
    let (merchant, user, clock) = (who.merchant_id, who.staff.user_id, state.clock.clone());
    let result = state
        .db(move |conn| Ok(service::start_appeal(conn, merchant, action, user, AppealWindows::default(), clock.now())))
        .await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther().insert_header(("Location", "/merchant/actions")).finish()),
        Err(e) => {
            let notice = Some((refused(&t, e)?, true));
            page(&state, &req, &who, StatusCode::UNPROCESSABLE_ENTITY, Typed { notice, ..Typed::default() }).await
        }
    }
}

#[post("/merchant/actions/{id}/appeal/submit")]
pub async fn submit(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let action: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let fields = form::read(&req, body).await?;
    let t = PageCtx::new(&req).t;
    let typed = Typed { notice: None, statement: fields.get("statement"), materials: fields.get("materials") };
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let typed = Typed { notice: Some((t.get("error.csrf_action").into(), true)), ..typed };
        return page(&state, &req, &who, StatusCode::FORBIDDEN, typed).await;
    }
    let (merchant, clock) = (who.merchant_id, state.clock.clone());
    let (statement, materials) = (typed.statement.clone(), typed.materials.clone());
    let result = state
        .db(move |conn| {
            Ok(service::submit_appeal(
                conn,
                merchant,
                action,
                &statement,
                &materials,
                AppealWindows::default(),
                clock.now(),
            ))
        })
        .await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther().insert_header(("Location", "/merchant/actions")).finish()),
        Err(e) => {
            let typed = Typed { notice: Some((refused(&t, e)?, true)), ..typed };
            page(&state, &req, &who, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
    }
}

//! `/supervisor/merchants/{id}`: one merchant's record for supervisors:
//! its staff accounts, the actions taken and their appeals.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::action::ActionKind;
use crate::error::AppError;
use crate::service::actions::{self as service, ActionError, AppealError};
use crate::service::audit::audited;
use crate::service::auth::{AddUserError, add_staff_with_temporary_password};
use crate::store::actions::{self, AppealRow};
use crate::store::{from_db, merchants, users};
use crate::web::consumer::Choice;
use crate::web::consumer::scorecard::{ActionView, action_view};
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view::{self, KeptForm, TimeView};
use crate::web::{AppState, csrf, form};

pub struct ActionLine {
    pub id: i64,
    pub view: ActionView,
    pub liftable: bool,
    pub appeal: Option<AppealLine>,
}

pub struct AppealLine {
    pub id: i64,
    pub submitted: Option<TimeView>,
    pub statement: Option<String>,
    pub materials: Option<String>,
    pub decision: Option<String>,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "supervisor/merchant.html")]
struct MerchantPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    credit_code: String,
    email: String,
    shop_url: String,
    categories: String,
    qualification: Option<String>,
    supervision: String,
    supervision_label: String,
    /// Flagged for supervisors only: volume alone, not yet confirmed.
    hidden_flag: bool,
    credit_points: i32,
    staff: Vec<(String, TimeView)>,
    actions: Vec<ActionLine>,
    kinds: Vec<Choice>,
    notice: Option<(String, bool)>,
    /// A refused form's values and mistake.
    kept: KeptForm,
    csrf: String,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    status: StatusCode,
    notice: Option<(String, bool)>,
    kept: KeptForm,
) -> Result<HttpResponse, AppError> {
    let (m, staff, taken, appeals, flag) = state
        .db(move |conn| {
            let m = merchants::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((
                m,
                users::staff_of(conn, id)?,
                actions::for_merchant(conn, id)?,
                actions::appeals_for_merchant(conn, id)?,
                crate::store::flags::open_flag(conn, id)?,
            ))
        })
        .await?;
    // Supervisors see a flag the public does not see yet (raised by
    // complaint volume alone), and that it is not public.
    let hidden_flag = flag.as_ref().is_some_and(|f| {
        f.state == crate::store::flags::FlagState::Flagged
            && !crate::domain::offender::public_before_confirmed(&f.reasons)
    });
    let supervision = if hidden_flag { "flagged".to_owned() } else { m.supervision.slug().to_owned() };
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let tz = state.config.tz;
    let appeal_of: HashMap<i64, &AppealRow> = appeals.iter().map(|a| (a.action_id, a)).collect();
    let page = MerchantPage {
        id,
        categories: m
            .categories
            .0
            .iter()
            .map(|c| t.get(&format!("sold.{c}")).to_owned())
            .collect::<Vec<_>>()
            .join("、"),
        staff: staff.into_iter().map(|(email, at)| (email, view::time(&t, tz, from_db(at)))).collect(),
        actions: taken
            .iter()
            .map(|a| ActionLine {
                id: a.id,
                view: action_view(&t, tz, a),
                liftable: a.ended_at.is_none() && a.kind.is_ongoing(),
                appeal: appeal_of.get(&a.id).map(|ap| AppealLine {
                    id: ap.id,
                    submitted: ap.submitted_at.map(|at| view::time(&t, tz, from_db(at))),
                    statement: ap.statement.clone(),
                    materials: ap.materials.clone(),
                    decision: ap.decision.as_ref().map(|d| {
                        format!(
                            "{}：{}",
                            t.get(&format!("appeal.decision_{d}")),
                            ap.decision_reason.clone().unwrap_or_default()
                        )
                    }),
                    pending: ap.decision.is_none() && ap.submitted_at.is_some(),
                }),
            })
            .collect(),
        kinds: ActionKind::ALL
            .iter()
            .map(|k| Choice { value: k.slug().into(), label: t.get(&format!("action.{k}")).into(), selected: false })
            .collect(),
        name: m.name,
        credit_code: m.credit_code,
        email: m.email,
        shop_url: m.shop_url,
        qualification: m.qualification,
        supervision_label: t.get(&format!("supervision.{supervision}")).to_owned(),
        supervision,
        hidden_flag,
        credit_points: m.credit_points,
        notice,
        kept,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The page again with an error notice, a catalog key; the refused form
/// keeps what was typed, with the message also next to `field`, if any.
async fn refuse(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    status: StatusCode,
    key: &str,
    (kept, field): (KeptForm, Option<&'static str>),
) -> Result<HttpResponse, AppError> {
    let message = PageCtx::new(req).t.get(key).to_owned();
    let kept = match field {
        Some(field) => kept.wrong(field, message.clone()),
        None => kept,
    };
    page(state, req, id, status, Some((message, true)), kept).await
}

fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[get("/supervisor/merchants/{id}")]
pub async fn show(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let done = query.get("done").filter(|d| ["onboarded", "action", "lifted", "appeal"].contains(&d.as_str()));
    let notice = done.map(|d| (t.get(&format!("merchant_admin.done_{d}")).to_owned(), false));
    page(&state, &req, parse_id(&id)?, StatusCode::OK, notice, KeptForm::default()).await
}

fn back(id: i64, done: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("/supervisor/merchants/{id}?done={done}"))).finish()
}

/// A staff account for this merchant, with a password shown once.
#[post("/supervisor/merchants/{id}/staff")]
pub async fn add_staff(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id)?;
    let fields = form::read(&req, body).await?;
    let t = PageCtx::new(&req).t;
    let kept = KeptForm::new("staff", &[("email", fields.get("email"))]);
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return refuse(&state, &req, id, StatusCode::FORBIDDEN, "error.csrf_action", (kept, None)).await;
    }
    let (email, clock, by) = (fields.get("email"), state.clock.clone(), state.actor(&req, &who.0));
    let typed = email.clone();
    match state.db(move |conn| Ok(add_staff_with_temporary_password(conn, id, &typed, &by, clock.now()))).await? {
        Ok((_, password)) => {
            let notice = t.fmt(
                "merchant_admin.staff_created",
                &[("email", &email.trim().to_lowercase()), ("password", &password)],
            );
            page(&state, &req, id, StatusCode::CREATED, Some((notice, false)), KeptForm::default()).await
        }
        Err(AddUserError::Db(e)) => Err(e.into()),
        Err(AddUserError::UnknownMerchant(_)) => Err(AppError::NotFound),
        Err(AddUserError::Duplicate(_)) => {
            let key = "merchant_admin.staff_exists";
            refuse(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, key, (kept, Some("email"))).await
        }
        Err(_) => {
            refuse(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, "error.email", (kept, Some("email"))).await
        }
    }
}

#[post("/supervisor/merchants/{id}/actions")]
pub async fn take_action(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id)?;
    let fields = form::read(&req, body).await?;
    let kept = KeptForm::new(
        "action",
        &[("kind", fields.get("kind")), ("points", fields.get("points")), ("reason", fields.get("reason"))],
    );
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return refuse(&state, &req, id, StatusCode::FORBIDDEN, "error.csrf_action", (kept, None)).await;
    }
    let (actor, clock, config) = (state.actor(&req, &who.0), state.clock.clone(), state.config.clone());
    let detail =
        format!("{} {}", fields.get("kind"), fields.get("points")).trim().to_owned() + ": " + &fields.get("reason");
    let result = state
        .db(move |conn| {
            let (by, now) = (who.0.user_id, clock.now());
            let (kind, points, reason) = (fields.get("kind"), fields.get("points"), fields.get("reason"));
            Ok(audited(
                conn,
                &actor,
                (crate::domain::audit::AuditKind::ActionTaken, &detail),
                now,
                |conn| service::take(conn, &config, id, &kind, &points, &reason, by, now),
                |action| format!("merchant {id}, action {action}"),
            ))
        })
        .await?;
    match result {
        Ok(_) => Ok(back(id, "action")),
        Err(ActionError::NotFound) => Err(AppError::NotFound),
        Err(ActionError::Db(e)) => Err(e.into()),
        Err(e) => {
            let (key, field) = action_error(&e);
            refuse(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, key, (kept, field)).await
        }
    }
}

/// The message for a refused action, and the field it is about.
fn action_error(e: &ActionError) -> (&'static str, Option<&'static str>) {
    match e {
        ActionError::Kind => ("merchant_admin.error_kind", Some("kind")),
        ActionError::Points => ("merchant_admin.error_points", Some("points")),
        ActionError::Reason => ("merchant_admin.error_reason", Some("reason")),
        ActionError::Ended | ActionError::NotLiftable => ("error.illegal_action", None),
        ActionError::NotFound | ActionError::Db(_) => ("errorpage.500.message", None),
    }
}

#[post("/supervisor/merchants/{id}/actions/{action}/lift")]
pub async fn lift(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (id, action) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let fields = form::read(&req, body).await?;
    let kept = KeptForm::new(format!("lift-{action}"), &[("reason", fields.get("reason"))]);
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return refuse(&state, &req, id, StatusCode::FORBIDDEN, "error.csrf_action", (kept, None)).await;
    }
    let (actor, clock, by) = (state.actor(&req, &who.0), state.clock.clone(), who.0.user_id);
    let result = state
        .db(move |conn| {
            let (now, reason) = (clock.now(), fields.get("reason"));
            Ok(audited(
                conn,
                &actor,
                (crate::domain::audit::AuditKind::ActionLifted, &reason),
                now,
                |conn| service::lift(conn, id, action, &reason, by, now),
                |()| format!("merchant {id}, action {action}"),
            ))
        })
        .await?;
    match result {
        Ok(()) => Ok(back(id, "lifted")),
        Err(ActionError::NotFound) => Err(AppError::NotFound),
        Err(ActionError::Db(e)) => Err(e.into()),
        Err(e) => {
            let (key, field) = action_error(&e);
            refuse(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, key, (kept, field)).await
        }
    }
}

#[post("/supervisor/merchants/{id}/appeals/{appeal}")]
pub async fn decide_appeal(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (id, appeal) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let fields = form::read(&req, body).await?;
    let kept = KeptForm::new(
        format!("decision-{appeal}"),
        &[("decision", fields.get("decision")), ("reason", fields.get("reason"))],
    );
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return refuse(&state, &req, id, StatusCode::FORBIDDEN, "error.csrf_action", (kept, None)).await;
    }
    let grant = match fields.get("decision").as_str() {
        "grant" => Some(true),
        "reject" => Some(false),
        _ => None,
    };
    let (actor, clock, config, by) =
        (state.actor(&req, &who.0), state.clock.clone(), state.config.clone(), who.0.user_id);
    let detail = format!("{}: {}", fields.get("decision"), fields.get("reason"));
    let result = state
        .db(move |conn| {
            let (now, reason) = (clock.now(), fields.get("reason"));
            Ok(audited(
                conn,
                &actor,
                (crate::domain::audit::AuditKind::AppealDecided, &detail),
                now,
                |conn| service::decide_appeal(conn, &config, id, appeal, grant, &reason, by, now),
                |()| format!("merchant {id}, appeal {appeal}"),
            ))
        })
        .await?;
    match result {
        Ok(()) => Ok(back(id, "appeal")),
        Err(AppealError::Db(e)) => Err(e.into()),
        Err(AppealError::NotFound) => Err(AppError::NotFound),
        Err(AppealError::Decision) => {
            let key = "appeal.error_decision";
            refuse(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, key, (kept, Some("decision"))).await
        }
        Err(_) => {
            let key = "merchant_admin.error_reason";
            refuse(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, key, (kept, Some("reason"))).await
        }
    }
}

//! `POST /supervisor/inspections/{id}`: what an inspection leads to.
//! `act=open_incident` opens an incident about the inspected session (or,
//! with `about=host`, its host) by hand, or joins the one open about it;
//! `act=measure_room` (`measure` = `limit` or `cut`) and
//! `act=measure_host` (`measure` = `ban`) take a measure with its
//! `reason` through the same service calls as the room's and the host's
//! pages. Each on the staff audit log; a refusal shows the page again with
//! its message (422, or 409 for a measure the state does not allow), the
//! reason kept.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::page;
use crate::domain::audit::AuditKind;
use crate::domain::incident::IncidentSubject;
use crate::error::AppError;
use crate::service::incidents::by_hand::{self, ByHandError, Opened};
use crate::service::inspections::{self as service, On};
use crate::service::review::ReviewError;
use crate::web::AppState;
use crate::web::form::CsrfForm;
use crate::web::page::PageCtx;
use crate::web::path::InspectionId;
use crate::web::session::Supervisor;
use crate::web::supervisor::live::refusal;
use crate::web::supervisor::with_audit;
use crate::web::view::KeptForm;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActFields {
    act: String,
    /// For `open_incident`: `session` (the default) or `host`.
    about: String,
    measure: String,
    reason: String,
}

#[post("/supervisor/inspections/{id}")]
pub async fn act(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<InspectionId>,
    form: CsrfForm<ActFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.or_forbidden()?.fields;
    let id = id.0;
    match fields.act.as_str() {
        "open_incident" => open_incident(&state, &req, &who, id, &fields.about).await,
        "measure_room" => measure(&state, &req, &who, id, On::Room, fields).await,
        "measure_host" => measure(&state, &req, &who, id, On::Host, fields).await,
        _ => {
            again(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, "inspection.error_act", KeptForm::default()).await
        }
    }
}

/// The page again, saying `key`.
async fn again(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    status: StatusCode,
    key: &str,
    kept: KeptForm,
) -> Result<HttpResponse, AppError> {
    let message = PageCtx::new(req).t.get(key).to_owned();
    page(state, req, id, status, Some((message, true)), kept).await
}

fn back(id: i64, done: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("/supervisor/inspections/{id}?done={done}"))).finish()
}

async fn open_incident(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    id: i64,
    about: &str,
) -> Result<HttpResponse, AppError> {
    let subject = match about.trim() {
        "" | "session" => IncidentSubject::Session,
        "host" => IncidentSubject::Host,
        _ => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(state, req, id, status, "inspection.error_about", KeptForm::default()).await;
        }
    };
    let (config, by) = (state.config.clone(), who.0.user_id);
    let entry = (AuditKind::IncidentOpened, format!("from inspection {id}, about its {}", subject.slug()));
    let done = with_audit(
        state,
        req,
        who,
        entry,
        move |conn, now| by_hand::from_inspection(conn, &config, id, subject, by, now),
        |o: &Opened| format!("incident {} ({})", o.incident, if o.opened { "opened" } else { "joined" }),
    )
    .await?;
    match done {
        Ok(o) => Ok(back(id, if o.opened { "opened" } else { "joined" })),
        Err(ByHandError::NotFound) => Err(AppError::NotFound),
        Err(ByHandError::NoSession) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            again(state, req, id, status, "inspection.error_no_session", KeptForm::default()).await
        }
        Err(ByHandError::Db(e)) => Err(e.into()),
    }
}

async fn measure(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    id: i64,
    on: On,
    fields: ActFields,
) -> Result<HttpResponse, AppError> {
    let (m, why) = (fields.measure.clone(), fields.reason.clone());
    let (config, by) = (state.config.clone(), who.0.user_id);
    let detail = format!("{} {} (inspection {id})", fields.measure.trim(), fields.reason.trim());
    let done = with_audit(
        state,
        req,
        who,
        (AuditKind::MeasureTaken, detail),
        move |conn, now| service::measure(conn, &config, id, on, &m, &why, by, now),
        |(target, thing): &(crate::domain::live::Target, i64)| format!("{} {thing}", target.slug()),
    )
    .await?;
    match done {
        Ok(_) => Ok(back(id, "measure")),
        Err(e) => {
            // The reason's limit here leaves room for the inspection's number.
            let (status, key) = match e {
                ReviewError::Reason => (StatusCode::UNPROCESSABLE_ENTITY, "inspection.error_reason"),
                e => refusal(e)?,
            };
            let form = if on == On::Room { "room" } else { "host" };
            let kept = KeptForm::new(form, &[("reason", fields.reason)]);
            again(state, req, id, status, key, kept).await
        }
    }
}

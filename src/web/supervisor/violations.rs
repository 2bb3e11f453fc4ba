//! `/supervisor/violations`: the violation schedule (违规处理分览表), each
//! type at each level with its points and measure, and the thresholds of
//! points accumulated in 12 months, each editable in place. A form sent
//! with a mistake comes back (422) with its message next to the field and
//! what was typed kept; every change is on the staff audit log, in the
//! change's transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::audit::AuditKind;
use crate::error::AppError;
use crate::service::violations::{self as service, ScheduleError};
use crate::store::violations as store;
use crate::web::page::{PageCtx, render};
use crate::web::path::ThresholdId;
use crate::web::refusal::Refuse;
use crate::web::schedule::{self, Refused, ThresholdLine, TypeLine};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::{AppState, csrf};

#[derive(Template)]
#[template(path = "supervisor/violations.html")]
struct SchedulePage {
    ctx: PageCtx,
    types: Vec<TypeLine>,
    thresholds: Vec<ThresholdLine>,
    notice: Option<(String, bool)>,
    csrf: String,
}

/// A penalty as the form sends it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PenaltyFields {
    points: String,
    measure: String,
    days: String,
}

impl PenaltyFields {
    fn typed(&self) -> (String, String, String) {
        (self.points.clone(), self.measure.clone(), self.days.clone())
    }

    fn detail(&self, what: &str) -> String {
        format!("{what}: {} {} {}", self.points.trim(), self.measure.trim(), self.days.trim()).trim_end().to_owned()
    }
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    notice: Option<(String, bool)>,
    refused: Option<Refused>,
) -> Result<HttpResponse, AppError> {
    let (rows, limits) = state.db(move |conn| Ok((store::schedule(conn)?, store::thresholds(conn)?))).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = SchedulePage {
        types: schedule::types(&t, &rows, refused.as_ref()),
        thresholds: schedule::thresholds(&t, &limits, refused.as_ref()),
        notice,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/supervisor/violations")]
pub async fn show(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    done: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let notice = (done.done == "changed").then(|| (t.get("violation.done_changed").to_owned(), false));
    page(&state, &req, StatusCode::OK, notice, None).await
}

/// After an edit: the page again, or with the refused form's mistake.
async fn answer<T>(
    state: &AppState,
    req: &HttpRequest,
    form: String,
    typed: (String, String, String),
    result: Result<T, ScheduleError>,
) -> Result<HttpResponse, AppError> {
    let refusal = match result {
        Ok(_) => {
            return Ok(HttpResponse::SeeOther()
                .insert_header(("Location", "/supervisor/violations?done=changed"))
                .finish());
        }
        Err(e) => e.refusal()?,
    };
    let message = refusal.message(&PageCtx::new(req).t);
    let refused = Refused { form, typed, error: (refusal.field.unwrap_or("points"), message.clone()) };
    page(state, req, refusal.status, Some((message, true)), Some(refused)).await
}

#[post("/supervisor/violations/thresholds/{id}")]
pub async fn edit_threshold(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<ThresholdId>,
    form: crate::web::form::CsrfForm<PenaltyFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.or_forbidden()?.fields;
    let id = id.into_inner().0;
    let (sent, by) = (fields.clone(), who.0.user_id);
    let entry = (AuditKind::ViolationThresholdChanged, fields.detail(&format!("threshold {id}")));
    let edit =
        move |conn: &mut _, now| service::edit_threshold(conn, id, (&sent.points, &sent.measure, &sent.days), by, now);
    let result = with_audit(&state, &req, &who, entry, edit, move |before| {
        format!("violation threshold {id} (was {} {})", before.points, before.measure)
    })
    .await?;
    answer(&state, &req, format!("threshold-{id}"), fields.typed(), result).await
}

#[post("/supervisor/violations/{violation}/{level}")]
pub async fn edit_entry(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: crate::web::form::CsrfForm<PenaltyFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.or_forbidden()?.fields;
    let (violation, level) = path.into_inner();
    let (sent, by) = (fields.clone(), who.0.user_id);
    let what = format!("{violation} {level}");
    let entry = (AuditKind::ViolationScheduleChanged, fields.detail(&what));
    let (v, l) = (violation.clone(), level.clone());
    let edit = move |conn: &mut _, now| {
        service::edit_entry(conn, (&v, &l), (&sent.points, &sent.measure, &sent.days), by, now)
    };
    let result = with_audit(&state, &req, &who, entry, edit, move |before| {
        format!("violation schedule {what} (was {} {} {})", before.points, before.measure, before.days.unwrap_or(0))
    })
    .await?;
    answer(&state, &req, format!("entry-{violation}-{level}"), fields.typed(), result).await
}

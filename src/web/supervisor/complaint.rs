//! `/supervisor/complaints/{reference}`: everything about one complaint,
//! internal notes included; claim, release, rule.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::audit::AuditKind;
use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::conversation::consumer_message;
use crate::domain::event::Viewer;
use crate::domain::state::{Outcome, State};
use crate::error::AppError;
use crate::service::audit::audited;
use crate::service::conversation::{ActError, At};
use crate::service::supervision::{self as service, SuperviseError};
use crate::store::{complaints, supervision};
use crate::web::complaint_view::ComplaintView;
use crate::web::consumer::Choice;
use crate::web::evidence::{EvidenceView, views};
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view::FieldView;
use crate::web::{AppState, act_notice, csrf, form};

#[derive(Template)]
#[template(path = "supervisor/complaint.html")]
struct ComplaintPage {
    ctx: PageCtx,
    c: ComplaintView,
    evidence: Vec<EvidenceView>,
    contact: String,
    holder: Option<String>,
    held_by_me: bool,
    escalated: bool,
    reason: Option<String>,
    outcomes: Vec<Choice>,
    outcome_error: Option<String>,
    ruling: FieldView,
    notice: Option<(String, bool)>,
    csrf: String,
}

#[derive(Default)]
struct Typed {
    outcome: String,
    body: String,
    errors: FieldErrors,
    notice: Option<(String, bool)>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    reference: String,
    status: StatusCode,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let (c, merchant, timeline, holder, files) = state
        .db(move |conn| {
            let (c, merchant) = supervision::find(conn, &reference)?.ok_or(AppError::NotFound)?;
            let timeline = complaints::timeline(conn, c.id, Viewer::Supervisor)?;
            let holder = supervision::holder(conn, c.id)?;
            let files = crate::store::evidence::of(conn, c.id)?;
            Ok((c, merchant, timeline, holder, files))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let now = state.clock.now();
    let progress = state.progress_at(&c, now);
    let message =
        |field: Field| typed.errors.get(field).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
    let page = ComplaintPage {
        evidence: views(&t, &format!("/supervisor/complaints/{}", c.reference), &files),
        c: ComplaintView::new(&t, state.config.tz, now, &progress, &c, &merchant, &timeline, Viewer::Supervisor),
        contact: [c.consumer_phone.clone(), c.consumer_email.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        held_by_me: holder.as_ref().is_some_and(|(id, _)| *id == who.0.user_id),
        holder: holder.map(|(_, email)| email),
        escalated: progress.state == State::Escalated,
        reason: progress.escalation_reason.map(|r| t.get(r.key()).to_owned()),
        outcomes: Outcome::ALL
            .iter()
            .map(|o| Choice {
                value: o.slug().into(),
                label: t.get(o.key()).into(),
                selected: o.slug() == typed.outcome,
            })
            .collect(),
        outcome_error: message(Field::Resolution),
        ruling: FieldView::new(&t, "ruling.body", &typed.body, message(Field::Body)),
        notice: typed.notice,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/supervisor/complaints/{reference}")]
pub async fn show(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    reference: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let done = query.get("done").and_then(|d| crate::web::notice::SupervisorDone::from_slug(d));
    let typed = Typed { notice: done.map(|d| (t.get(d.key()).to_owned(), false)), ..Typed::default() };
    page(&state, &req, &who, reference.into_inner(), StatusCode::OK, typed).await
}

fn back(reference: &str, done: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", format!("/supervisor/complaints/{reference}?done={done}")))
        .finish()
}

/// The message for a refused supervisor action.
fn refusal(t: &crate::i18n::Tr, e: SuperviseError) -> Result<String, AppError> {
    match e {
        SuperviseError::HeldBy(email) => Ok(t.fmt("supervisor.held_by_other", &[("who", &email)])),
        SuperviseError::NotEscalated => Ok(t.get("supervisor.not_escalated").to_owned()),
        SuperviseError::Act(e) => Ok(t.get(act_notice(e)?).to_owned()),
    }
}

crate::slug_enum! {
    /// What a supervisor does with a complaint.
    pub enum Command {
        Claim => "claim",
        Release => "release",
        Rule => "rule",
    }
}

async fn command(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    reference: String,
    body: web::Payload,
    command: Command,
) -> Result<HttpResponse, AppError> {
    let fields = form::read(&req, body).await?;
    let t = PageCtx::new(&req).t;
    let mut typed = Typed { outcome: fields.get("outcome"), body: fields.get("body"), ..Typed::default() };
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        typed.notice = Some((t.get("error.csrf_action").to_owned(), true));
        return page(&state, &req, &who, reference, StatusCode::FORBIDDEN, typed).await;
    }
    let user_id = who.0.user_id;
    let (lookup, clock, config) = (reference.clone(), state.clock.clone(), state.config.clone());
    // Each command with its audit entry, in one transaction.
    let (actor, subject) = (state.actor(&req, &who.0), format!("complaint {reference}"));
    let (result, done) = match command {
        Command::Claim => {
            let r = state
                .db(move |conn| {
                    let (now, kind) = (clock.now(), AuditKind::Claimed);
                    Ok(audited(
                        conn,
                        &actor,
                        (kind, ""),
                        now,
                        |conn| service::claim(conn, &lookup, user_id, At { config: &config, now }),
                        |()| subject,
                    ))
                })
                .await?;
            (r, "claimed")
        }
        Command::Release => {
            let r = state
                .db(move |conn| {
                    let (now, kind) = (clock.now(), AuditKind::Released);
                    Ok(audited(
                        conn,
                        &actor,
                        (kind, ""),
                        now,
                        |conn| service::release(conn, &lookup, user_id),
                        |()| subject,
                    ))
                })
                .await?;
            (r, "released")
        }
        Command::Rule => {
            let outcome = Outcome::from_slug(typed.outcome.trim());
            let ruling = consumer_message(&typed.body);
            let (outcome, ruling) = match (outcome, ruling) {
                (Some(o), Ok(r)) => (o, r),
                (outcome, ruling) => {
                    let mut errors = ruling.err().unwrap_or_default();
                    if outcome.is_none() {
                        errors.add(
                            Field::Resolution,
                            if typed.outcome.trim().is_empty() { Invalid::Required } else { Invalid::UnknownChoice },
                        );
                    }
                    typed.errors = errors;
                    return page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await;
                }
            };
            let r = state
                .db(move |conn| {
                    let now = clock.now();
                    Ok(audited(
                        conn,
                        &actor,
                        (AuditKind::Ruling, outcome.slug()),
                        now,
                        |conn| service::rule(conn, &lookup, user_id, outcome, &ruling, At { config: &config, now }),
                        |()| subject,
                    ))
                })
                .await?;
            (r, "ruled")
        }
    };
    match result {
        Ok(()) => Ok(back(&reference, done)),
        Err(SuperviseError::Act(ActError::NotFound)) => Err(AppError::NotFound),
        Err(e) => {
            typed.notice = Some((refusal(&t, e)?, true));
            page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
    }
}

/// Claim, release or rule: one form each, posted to `…/{command}`.
#[post("/supervisor/complaints/{reference}/{command}")]
pub async fn act(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (reference, command_slug) = path.into_inner();
    let which = Command::from_slug(&command_slug).ok_or(AppError::NotFound)?;
    command(req, who, state, reference, body, which).await
}

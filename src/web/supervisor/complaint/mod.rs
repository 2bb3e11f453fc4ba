//! `/supervisor/complaints/{reference}`: everything about one complaint,
//! internal notes included, with the forms to claim, release and rule
//! (posted to `commands`), and what machine discovery found in it with the
//! form to dismiss its high-risk flag.

mod commands;
mod register;
pub mod risk;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

pub use commands::{act, ruling};
pub use register::in_register;

use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::event::Viewer;
use crate::domain::risk::RiskState;
use crate::domain::state::{Outcome, State};
use crate::error::AppError;
use crate::store::{complaints, supervision};
use crate::web::complaint_view::ComplaintView;
use crate::web::consumer::Choice;
use crate::web::evidence::{EvidenceView, views};
use crate::web::page::{PageCtx, render};
use crate::web::path::Reference;
use crate::web::session::Supervisor;
use crate::web::supervisor::relief_form::{ReliefFields, ReliefView};
use crate::web::view::FieldView;
use crate::web::{AppState, csrf};

#[derive(Template)]
#[template(path = "supervisor/complaint.html")]
struct ComplaintPage {
    ctx: PageCtx,
    c: ComplaintView,
    evidence: Vec<EvidenceView>,
    phone: Option<String>,
    email: Option<String>,
    holder: Option<String>,
    held_by_me: bool,
    escalated: bool,
    reason: Option<String>,
    outcomes: Vec<Choice>,
    outcome_error: Option<String>,
    ruling: FieldView,
    relief: ReliefView,
    /// What the risk rules matched, if any; the flag can be dismissed
    /// (`dismiss_reason`) while it is `high`.
    risk: Option<risk::RiskView>,
    high_risk: bool,
    dismiss_reason: FieldView,
    /// Where it stands in the public register, with the hide and unhide
    /// forms.
    register: register::RegisterPanel,
    notice: Option<(String, bool)>,
    csrf: String,
}

/// What the ruling form holds, and the page's notice.
#[derive(Default)]
struct Typed {
    outcome: String,
    body: String,
    reason: String,
    relief: ReliefFields,
    errors: FieldErrors,
    notice: Option<(String, bool)>,
    /// The register's hide form: the reason typed, and what is wrong with it.
    hide: (String, Option<String>),
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    reference: Reference,
    status: StatusCode,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let (c, merchant, timeline, holder, files, named) = state
        .db(move |conn| {
            let (c, merchant) = supervision::find(conn, &reference)?.ok_or(AppError::NotFound)?;
            let timeline = complaints::timeline(conn, c.id, Viewer::Supervisor)?;
            let holder = supervision::holder(conn, c.id)?;
            let files = crate::store::evidence::of(conn, c.id)?;
            let named = (
                crate::store::live::named(conn, &c)?,
                crate::service::incidents::case::of_complaint(conn, c.id)?,
                crate::store::reliefs::latest(conn, c.id)?,
                crate::store::register::find_with_hider(conn, c.id)?,
            );
            Ok((c, merchant, timeline, holder, files, named))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let now = state.clock.now();
    let progress = state.progress_at(&c, now);
    let message =
        |field: Field| typed.errors.get(field).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
    let page = ComplaintPage {
        evidence: views(&t, &format!("/supervisor/complaints/{}", c.reference), &files, Viewer::Supervisor),
        c: ComplaintView::new(&t, state.config.tz, now, &progress, &c, &merchant, &timeline, Viewer::Supervisor)
            .naming(&t, state.config.tz, &named.0, Viewer::Supervisor)
            .in_case(&t, named.1, Viewer::Supervisor)
            .with_relief(&t, state.config.tz, named.2.as_ref(), Viewer::Supervisor, now),
        phone: c.consumer_phone.clone(),
        email: c.consumer_email.clone(),
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
        relief: ReliefView::new(&t, &typed.relief, &typed.errors),
        risk: risk::RiskView::of(&t, state.config.tz, state.config.policy.risk_threshold, &c),
        high_risk: c.risk_state == Some(RiskState::High),
        dismiss_reason: FieldView::new(&t, "risk.reason", &typed.reason, message(Field::Reason)),
        register: register::RegisterPanel::new(
            &t,
            state.config.tz,
            named.3.as_ref(),
            (&typed.hide.0, typed.hide.1.clone()),
            now,
        ),
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
    reference: web::Path<Reference>,
    query: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let done = crate::web::notice::SupervisorDone::from_slug(&query.done);
    let typed = Typed { notice: done.map(|d| (t.get(d.key()).to_owned(), false)), ..Typed::default() };
    page(&state, &req, &who, reference.into_inner(), StatusCode::OK, typed).await
}

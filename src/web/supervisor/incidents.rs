//! `/supervisor/incidents`: the incidents machine discovery opened, open
//! ones first, each linked to its page; `/supervisor/incidents/{id}`: one
//! incident with its complaints, the timeline of their arrival (a column
//! chart drawn on the server), what it is about and the merchant's record.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use super::case_view::{CaseView, offers};
use crate::domain::incident::timeline;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::incidents::record::{self, Record};
use crate::store::from_db;
use crate::web::chart::{self, Columns};
use crate::web::consumer::scorecard::{ActionView, action_view};
use crate::web::notice::CaseAct;
use crate::web::page::{PageCtx, render};
use crate::web::path::IncidentId;
use crate::web::session::Supervisor;
use crate::web::supervisor::cases::Typed;
use crate::web::view::{self, TimeView};
use crate::web::{AppState, csrf};

/// An incident on the list.
pub struct Line {
    pub id: i64,
    /// `product`, `session` or `host`, and its label.
    pub subject: &'static str,
    pub subject_label: String,
    pub name: String,
    pub merchant_id: i64,
    pub merchant: String,
    pub count: i32,
    /// "5 complaints".
    pub count_label: String,
    pub opened: TimeView,
    pub state: &'static str,
    pub state_label: String,
}

#[derive(Template)]
#[template(path = "supervisor/incidents.html")]
struct ListPage {
    ctx: PageCtx,
    lead: String,
    lines: Vec<Line>,
}

#[get("/supervisor/incidents")]
pub async fn list(req: HttpRequest, _who: Supervisor, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(&req);
    let (t, tz, threshold) = (ctx.t, state.config.tz, state.config.incidents);
    let rows = state.db(move |conn| Ok(record::list(conn, &t, tz)?)).await?;
    let lines = rows
        .into_iter()
        .map(|l| Line {
            id: l.incident.id,
            subject: l.incident.subject.slug(),
            subject_label: t.get(l.incident.subject.key()).to_owned(),
            name: l.name,
            merchant_id: l.incident.merchant_id,
            merchant: l.merchant,
            count: l.incident.complaint_count,
            count_label: t.fmt("incident.count", &[("n", &l.incident.complaint_count)]),
            opened: view::time(&t, tz, from_db(l.incident.opened_at)),
            state: l.incident.state.slug(),
            state_label: t.get(l.incident.state.key()).to_owned(),
        })
        .collect();
    let lead = t.fmt("incident.lead", &[("n", &threshold.count), ("hours", &threshold.hours())]);
    render(StatusCode::OK, &ListPage { lead, lines, ctx })
}

/// One complaint of the incident.
pub struct MemberLine {
    pub reference: String,
    pub category: String,
    /// The labels of the risk rules it matched.
    pub risk: Vec<String>,
    pub state: &'static str,
    pub state_label: String,
    /// Resolved, withdrawn or ruled: a collective ruling leaves it as it is.
    pub finished: bool,
    pub submitted: TimeView,
}

#[derive(Template)]
#[template(path = "supervisor/incident.html")]
struct IncidentPage {
    ctx: PageCtx,
    id: i64,
    subject: &'static str,
    subject_label: String,
    name: String,
    state: &'static str,
    state_label: String,
    count: i32,
    opened: TimeView,
    last: TimeView,
    /// (href, kind in words, name) of the product's, room's, host's page.
    links: Vec<(String, String, String)>,
    members: Vec<MemberLine>,
    /// The user reports counted in it (`supervisor/_incident_reports.html`).
    reports: Vec<super::reports::MemberReport>,
    timeline: Columns,
    merchant_id: i64,
    merchant: String,
    supervision: &'static str,
    supervision_label: String,
    credit_points: i32,
    actions: Vec<ActionView>,
    /// What supervisors do with it while it is not closed, and how it
    /// ended once it is.
    case: CaseView,
    notice: Option<(String, bool)>,
    csrf: String,
    /// The inspections that opened or joined it.
    inspections: crate::web::supervisor::inspections::OfIncident,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    /// A search for complaints to add to the case.
    q: String,
    done: String,
}

#[get("/supervisor/incidents/{id}")]
pub async fn show(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<IncidentId>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let notice = CaseAct::from_slug(&query.done).map(|d| (t.get(d.key()).to_owned(), false));
    let q: String = query.q.trim().chars().take(SEARCH_MAX).collect();
    page_with(&state, &req, id.into_inner().0, StatusCode::OK, Typed { notice, ..Typed::default() }, q).await
}

/// Longest search kept (characters).
const SEARCH_MAX: usize = 100;

/// The incident's page, with a refused form as it was typed.
pub async fn page(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    status: StatusCode,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    page_with(state, req, id, status, typed, String::new()).await
}

async fn page_with(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    status: StatusCode,
    typed: Typed,
    q: String,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let (t, tz, now) = (ctx.t, state.config.tz, state.clock.now());
    let search = q.clone();
    let (r, found, inspected, credit_points) = state
        .db(move |conn| {
            let r = record::record(conn, &t, tz, id, now)?.ok_or(AppError::NotFound)?;
            let found = record::found(conn, &r, &search, now)?;
            let score = crate::service::violations::standing(conn, r.merchant.id, now)?.1;
            Ok((r, found, crate::store::inspections::of_incident(conn, id)?, score))
        })
        .await?;
    let offers = offers(&t, &r);
    let page = IncidentPage {
        id,
        subject: r.incident.subject.slug(),
        subject_label: t.get(r.incident.subject.key()).to_owned(),
        state: r.incident.state.slug(),
        state_label: t.get(r.incident.state.key()).to_owned(),
        count: r.incident.complaint_count,
        opened: view::time(&t, tz, from_db(r.incident.opened_at)),
        last: view::time(&t, tz, from_db(r.incident.last_at)),
        links: r.links.iter().map(|l| (l.href(), t.get(l.target.key()).to_owned(), l.name.clone())).collect(),
        timeline: arrivals(&t, tz, &r),
        members: members(&t, tz, &r),
        case: CaseView::new(&t, tz, &r, &typed, q, found, offers),
        reports: super::reports::members(&t, tz, &r.reports),
        merchant_id: r.merchant.id,
        supervision: r.merchant.supervision.slug(),
        supervision_label: t.get(r.merchant.supervision.key()).to_owned(),
        credit_points,
        actions: r
            .actions
            .iter()
            .map(|a| ActionView { on: view::target_words(&t, &r.action_names, a), ..action_view(&t, tz, a) })
            .collect(),
        inspections: crate::web::supervisor::inspections::of_incident(&t, tz, &inspected),
        merchant: r.merchant.name,
        name: r.name,
        notice: typed.notice,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

fn members(t: &Tr, tz: chrono_tz::Tz, r: &Record) -> Vec<MemberLine> {
    r.members
        .iter()
        .map(|m| {
            let category = t.get(m.category.key()).to_owned();
            MemberLine {
                reference: m.reference.clone(),
                risk: crate::domain::risk::decode(m.risk_matches.as_deref())
                    .matched
                    .into_iter()
                    .map(|r| r.label)
                    .collect(),
                category,
                state: m.state.slug(),
                state_label: t.get(m.state.key()).to_owned(),
                finished: m.state.is_final(),
                submitted: view::time(t, tz, from_db(m.submitted_at)),
            }
        })
        .collect()
}

/// The arrivals an hour (a day, when they span more than two days), from
/// the first complaint's to the last's.
fn arrivals(t: &Tr, tz: chrono_tz::Tz, r: &Record) -> Columns {
    let (series, slot) = timeline(r.members.iter().map(|m| from_db(m.submitted_at)).collect());
    let format = if slot < Duration::days(1) { t.get("incident.hour_format") } else { t.get("incident.day_format") };
    let slots = series
        .into_iter()
        .map(|(at, n)| (at.with_timezone(&tz).format(format).to_string(), vec![chart::Count::unlinked(n)]))
        .collect();
    let received = chart::Series { class: "bar--received", name: t.get("overview.legend_received").to_owned() };
    let heading = if slot < Duration::days(1) { t.get("chart.time") } else { t.get("chart.day") };
    chart::columns(t, slots, vec![received], heading)
}

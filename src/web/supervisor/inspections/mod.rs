//! Platform inspections (巡查) as supervisors see them:
//! `/supervisor/inspections`, newest first, with the link to record one
//! ([`form`]); `/supervisor/inspections/{id}`, one inspection with what
//! it is about (the room, the session's host and products, each linked to
//! its supervisors' page), its evidence, the incident it opened or
//! joined and the measures it led to, and the forms for those
//! ([`acts`]). The room's page and the incident's list the inspections
//! about them through [`lines`].

mod acts;
mod form;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

pub use acts::act;
pub use form::{create, new_form};

use crate::domain::live::Target;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::inspections::{self as service, Record, host_measures, room_measures};
use crate::store::from_db;
use crate::store::inspections::{self as store, InspectionRow};
use crate::web::consumer::scorecard::{ActionView, action_view};
use crate::web::evidence::{Part, serve, size};
use crate::web::page::{PageCtx, render};
use crate::web::path::{EvidenceId, InspectionId};
use crate::web::session::Supervisor;
use crate::web::view::{self, KeptForm, TimeView};
use crate::web::{AppState, csrf};

/// The list shows this many inspections at most.
const LIST_AT_MOST: i64 = 200;
/// A room's page lists this many of its inspections at most.
pub const ROOM_AT_MOST: i64 = 50;

/// One inspection on a list.
pub struct InspectionLine {
    pub id: i64,
    /// "巡查 #12".
    pub title: String,
    pub verdict: &'static str,
    pub verdict_label: String,
    pub inspected: TimeView,
    /// The room's name and its merchant's (empty where the page is the
    /// room's).
    pub room: String,
    pub merchant: String,
    pub supervisor: String,
    /// What was found, its first characters.
    pub found: String,
    /// Whether a session was on.
    pub session: bool,
    pub incident: Option<i64>,
}

/// What was found, cut for a list.
fn excerpt(found: &str) -> String {
    const AT_MOST: usize = 80;
    let mut out: String = found.chars().take(AT_MOST).collect();
    if found.chars().count() > AT_MOST {
        out.push('…');
    }
    out
}

/// `rows` as lists show them.
pub fn lines(t: &Tr, tz: chrono_tz::Tz, rows: &[InspectionRow]) -> Vec<InspectionLine> {
    rows.iter().map(|i| line(t, tz, i, (String::new(), String::new(), String::new()))).collect()
}

fn line(
    t: &Tr,
    tz: chrono_tz::Tz,
    i: &InspectionRow,
    (room, merchant, supervisor): (String, String, String),
) -> InspectionLine {
    InspectionLine {
        id: i.id,
        title: t.fmt("inspection.number", &[("id", &i.id)]),
        verdict: i.verdict.slug(),
        verdict_label: t.get(i.verdict.key()).to_owned(),
        inspected: view::time(t, tz, from_db(i.inspected_at)),
        room,
        merchant,
        supervisor,
        found: excerpt(&i.found),
        session: i.live_session_id.is_some(),
        incident: i.incident_id,
    }
}

#[derive(Template)]
#[template(path = "supervisor/inspections.html")]
struct ListPage {
    ctx: PageCtx,
    lines: Vec<InspectionLine>,
}

#[get("/supervisor/inspections")]
pub async fn list(req: HttpRequest, _who: Supervisor, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let rows = state.db(|conn| Ok(store::newest(conn, LIST_AT_MOST)?)).await?;
    let ctx = PageCtx::new(&req);
    let (t, tz) = (ctx.t, state.config.tz);
    let lines = rows.into_iter().map(|l| line(&t, tz, &l.inspection, (l.room, l.merchant, l.supervisor))).collect();
    render(StatusCode::OK, &ListPage { lines, ctx })
}

/// An evidence file as the page lists it.
pub struct FileView {
    pub name: String,
    pub href: String,
    pub thumb: Option<String>,
    pub size: String,
}

/// A page of the supervisors' the inspection links to.
pub struct LinkView {
    pub what: String,
    pub href: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "supervisor/inspection.html")]
struct ShowPage {
    ctx: PageCtx,
    id: i64,
    verdict: &'static str,
    verdict_label: String,
    inspected: TimeView,
    recorded: TimeView,
    supervisor: String,
    found: String,
    merchant_id: i64,
    merchant: String,
    room: String,
    room_status: &'static str,
    room_status_label: String,
    /// The session's times, when one was on.
    session: Option<(i64, TimeView, TimeView)>,
    /// The room, the session's host and its products.
    links: Vec<LinkView>,
    files: Vec<FileView>,
    /// The incident: (id, state slug, its label, whether this inspection
    /// opened it).
    incident: Option<(i64, &'static str, String, bool)>,
    actions: Vec<ActionView>,
    /// The measures the room's and the host's states are open to.
    room_choices: Vec<(&'static str, String)>,
    host_choices: Vec<(&'static str, String)>,
    host: Option<String>,
    /// The measure forms' labels, naming the room and the host.
    room_label: String,
    host_label: String,
    notice: Option<(String, bool)>,
    /// A refused measure's reason, in its form (`room` or `host`).
    kept: KeptForm,
    csrf: String,
}

/// `?done=` after a form that worked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

fn done_notice(t: &Tr, done: &str) -> Option<(String, bool)> {
    let key = match done {
        "recorded" => "inspection.done_recorded",
        "opened" => "inspection.done_opened",
        "joined" => "inspection.done_joined",
        "measure" => "inspection.done_measure",
        _ => return None,
    };
    Some((t.get(key).to_owned(), false))
}

/// Inspection `id`'s page, with a notice and what a refused form kept.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    status: StatusCode,
    notice: Option<(String, bool)>,
    kept: KeptForm,
) -> Result<HttpResponse, AppError> {
    let r = state.db(move |conn| service::record_of(conn, id)?.ok_or(AppError::NotFound)).await?;
    let ctx = PageCtx::new(req);
    let (t, tz) = (ctx.t, state.config.tz);
    let page = ShowPage {
        id,
        verdict: r.inspection.verdict.slug(),
        verdict_label: t.get(r.inspection.verdict.key()).to_owned(),
        inspected: view::time(&t, tz, from_db(r.inspection.inspected_at)),
        recorded: view::time(&t, tz, from_db(r.inspection.created_at)),
        found: r.inspection.found.clone(),
        merchant_id: r.inspection.merchant_id,
        room_status: r.room.status.slug(),
        room_status_label: t.get(r.room.status.key()).to_owned(),
        session: r.session.as_ref().map(|s| {
            let (start, end) = (from_db(s.session.started_at), from_db(s.session.ended_at));
            (s.session.id, view::time(&t, tz, start), view::time(&t, tz, end))
        }),
        links: links(&t, &r),
        files: r
            .files
            .iter()
            .map(|f| {
                let href = format!("/supervisor/inspections/{id}/evidence/{}", f.id);
                FileView {
                    name: f.name.clone(),
                    thumb: f.thumb_sha256.as_ref().map(|_| format!("{href}/thumb")),
                    href,
                    size: size(f.bytes),
                }
            })
            .collect(),
        incident: r
            .incident
            .as_ref()
            .map(|i| (i.id, i.state.slug(), t.get(i.state.key()).to_owned(), r.inspection.opened_incident)),
        actions: r
            .actions
            .iter()
            .map(|a| ActionView { on: view::target_words(&t, &r.action_names, a), ..action_view(&t, tz, a) })
            .collect(),
        room_choices: room_measures(&r.room).into_iter().map(|m| (m.slug(), t.get(m.key()).to_owned())).collect(),
        host_choices: r
            .session
            .as_ref()
            .map(|s| host_measures(&s.host).into_iter().map(|m| (m.slug(), t.get(m.key()).to_owned())).collect())
            .unwrap_or_default(),
        host: r.session.as_ref().map(|s| s.host.display_name.clone()),
        room_label: t.fmt("inspection.measure_on_room", &[("name", &r.room.name)]),
        host_label: r
            .session
            .as_ref()
            .map(|s| t.fmt("inspection.measure_on_host", &[("name", &s.host.display_name)]))
            .unwrap_or_default(),
        notice,
        kept,
        csrf: csrf::token(req),
        supervisor: r.supervisor,
        merchant: r.merchant,
        room: r.room.name,
        ctx,
    };
    render(status, &page)
}

fn links(t: &Tr, r: &Record) -> Vec<LinkView> {
    let link = |target: Target, id: i64, name: &str| LinkView {
        what: t.get(target.key()).to_owned(),
        href: format!("/supervisor/{}s/{id}", target.slug()),
        name: name.to_owned(),
    };
    let mut out = vec![link(Target::Room, r.room.id, &r.room.name)];
    if let Some(s) = &r.session {
        out.push(link(Target::Host, s.host.id, &s.host.display_name));
        out.extend(s.products.iter().map(|p| link(Target::Product, p.id, &p.name)));
    }
    out
}

#[get("/supervisor/inspections/{id}")]
pub async fn show(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<InspectionId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let notice = done_notice(&PageCtx::new(&req).t, &done.done);
    page(&state, &req, id.0, StatusCode::OK, notice, KeptForm::default()).await
}

/// An inspection's evidence file (or its thumbnail), to supervisors only;
/// opening the file is on the audit log, as a complaint's is.
#[get("/supervisor/inspections/{id}/evidence/{file}{part:(/thumb)?}")]
pub async fn evidence(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(InspectionId, EvidenceId, Part)>,
) -> Result<HttpResponse, AppError> {
    let (id, file, part) = path.into_inner();
    let f = state.db(move |conn| store::file(conn, id.0, file.0)?.ok_or(AppError::NotFound)).await?;
    if part == Part::File {
        let (subject, detail) = (format!("inspection {id}"), format!("evidence {} ({})", f.id, f.name));
        state
            .audit(state.actor(&req, &who.0), crate::domain::audit::AuditKind::EvidenceOpened, subject, detail)
            .await?;
    }
    let served = crate::web::evidence::Served {
        id: f.id,
        kind: f.kind,
        sha256: f.sha256,
        thumb_sha256: f.thumb_sha256,
        name: f.name,
    };
    serve(&state, served, part == Part::Thumb).await
}

/// What an incident's page shows of inspections
/// (`supervisor/_incident_inspections.html`).
pub struct OfIncident {
    /// The inspection that opened it, and the words saying so.
    pub opened_from: Option<(i64, String)>,
    pub lines: Vec<InspectionLine>,
}

/// The inspections of an incident, `rows` as `store::inspections::of_incident` reads them.
pub fn of_incident(t: &Tr, tz: chrono_tz::Tz, rows: &[InspectionRow]) -> OfIncident {
    OfIncident {
        opened_from: rows
            .iter()
            .find(|i| i.opened_incident)
            .map(|i| (i.id, t.fmt("inspection.opened_from", &[("id", &i.id)]))),
        lines: lines(t, tz, rows),
    }
}

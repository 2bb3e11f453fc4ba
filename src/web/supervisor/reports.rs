//! `/supervisor/reports`: user reports (举报) beside the complaints, new
//! high-risk ones first, then every other, newest first, each with its
//! merchant, room, session and the risk labels it matched;
//! `/supervisor/reports/{id}`: one report, its screenshot (served only
//! here), the pages of its room and host, and the form to mark it reviewed
//! or dismiss it with a note, on the staff audit log.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::audit::AuditKind;
use crate::domain::evidence::Kind;
use crate::domain::report::{ReportDecision, ReportState};
use crate::domain::risk::{self, RiskState};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::reports::{self as service, Record};
use crate::store::from_db;
use crate::store::reports::{self as store, Listed, ReportRow};
use crate::web::evidence::{Part, send_file};
use crate::web::form::CsrfForm;
use crate::web::page::{PageCtx, render};
use crate::web::path::ReportId;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::complaint::risk::MatchedView;
use crate::web::supervisor::with_audit;
use crate::web::view::{self, FieldView, TimeView};
use crate::web::{AppState, csrf};

/// The list shows this many of the new high-risk reports, and of the rest.
const LIST_AT_MOST: i64 = 200;

/// A report as the lists show it.
pub struct ReportLine {
    pub id: i64,
    pub reference: String,
    pub merchant_id: i64,
    pub merchant: String,
    pub room_id: i64,
    pub room: String,
    /// "开播 12-04 20:00 · 主播 小星", when it names a session.
    pub session: Option<String>,
    pub made: TimeView,
    pub seen: TimeView,
    /// `high` while a high-risk report is new; else empty.
    pub risk: &'static str,
    pub matched: Vec<MatchedView>,
    pub state: &'static str,
    pub state_label: String,
    /// The first words of what was seen.
    pub excerpt: String,
    pub screenshot: bool,
}

fn matched(r: &ReportRow) -> Vec<MatchedView> {
    risk::decode(r.risk_matches.as_deref())
        .matched
        .into_iter()
        .map(|m| MatchedView { label: m.label, words: m.words })
        .collect()
}

/// What the lists show of `l`.
pub fn line(t: &Tr, tz: chrono_tz::Tz, l: &Listed) -> ReportLine {
    let r = &l.report;
    let session = l.session_start.map(|at| {
        let start = view::time(t, tz, from_db(at)).local;
        t.fmt("report.session_line", &[("start", &start), ("host", &l.host.as_deref().unwrap_or(""))])
    });
    let high = r.state == ReportState::New && r.risk_state == Some(RiskState::High);
    ReportLine {
        id: r.id,
        reference: r.reference.clone(),
        merchant_id: r.merchant_id,
        merchant: l.merchant.clone(),
        room_id: r.room_id,
        room: l.room.clone(),
        session,
        made: view::time(t, tz, from_db(r.created_at)),
        seen: view::time(t, tz, from_db(r.seen_at)),
        risk: if high { "high" } else { "" },
        matched: matched(r),
        state: r.state.slug(),
        state_label: t.get(r.state.key()).to_owned(),
        excerpt: excerpt(&r.description, 80),
        screenshot: r.screenshot_kind.is_some(),
    }
}

/// `text`'s first `n` characters, "…" after when there is more.
fn excerpt(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

/// A report of an incident, as its page lists it.
pub struct MemberReport {
    pub id: i64,
    pub reference: String,
    pub risk: Vec<String>,
    pub state: &'static str,
    pub state_label: String,
    pub made: TimeView,
    pub excerpt: String,
}

/// The reports of an incident, as its page lists them.
pub fn members(t: &Tr, tz: chrono_tz::Tz, reports: &[ReportRow]) -> Vec<MemberReport> {
    reports
        .iter()
        .map(|r| MemberReport {
            id: r.id,
            reference: r.reference.clone(),
            risk: matched(r).into_iter().map(|m| m.label).collect(),
            state: r.state.slug(),
            state_label: t.get(r.state.key()).to_owned(),
            made: view::time(t, tz, from_db(r.created_at)),
            excerpt: excerpt(&r.description, 60),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "supervisor/reports.html")]
struct ListPage {
    ctx: PageCtx,
    lines: Vec<ReportLine>,
}

#[get("/supervisor/reports")]
pub async fn list(req: HttpRequest, _who: Supervisor, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(&req);
    let (t, tz) = (ctx.t, state.config.tz);
    let rows = state.db(|conn| Ok(store::listed(conn, LIST_AT_MOST)?)).await?;
    let lines = rows.iter().map(|l| line(&t, tz, l)).collect();
    render(StatusCode::OK, &ListPage { ctx, lines })
}

#[derive(Template)]
#[template(path = "supervisor/report.html")]
struct ReportPage {
    ctx: PageCtx,
    r: ReportLine,
    /// The description in pieces, `true` where a matched word is.
    description: Vec<(String, bool)>,
    score_text: String,
    /// The session's start and end, and its host's page and name.
    session: Option<(TimeView, TimeView)>,
    host: Option<(i64, String)>,
    phone: Option<String>,
    incidents: Vec<i64>,
    /// The decision on it: the note, who, when.
    note: Option<String>,
    decided: Option<(String, TimeView)>,
    decidable: bool,
    note_field: FieldView,
    notice: Option<(String, bool)>,
    csrf: String,
}

/// `?done=review`: what was just decided.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

async fn record(state: &AppState, id: i64) -> Result<Record, AppError> {
    state.db(move |conn| service::record(conn, id)?.ok_or(AppError::NotFound)).await
}

/// The report's page, with a notice and the note typed into a refused form.
fn page(
    req: &HttpRequest,
    state: &AppState,
    rec: Record,
    status: StatusCode,
    (notice, typed, error): (Option<(String, bool)>, &str, Option<String>),
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let (t, tz) = (ctx.t, state.config.tz);
    let r = &rec.listed.report;
    let assessed = risk::decode(r.risk_matches.as_deref());
    let threshold = state.config.policy.risk_threshold;
    let page = ReportPage {
        description: risk::highlight(&r.description, &assessed).into_iter().map(|(p, m)| (p.to_owned(), m)).collect(),
        score_text: t.fmt("risk.score", &[("n", &r.risk_score), ("threshold", &threshold)]),
        session: rec
            .session
            .as_ref()
            .map(|s| (view::time(&t, tz, from_db(s.started_at)), view::time(&t, tz, from_db(s.ended_at)))),
        host: rec.host.as_ref().map(|h| (h.id, h.display_name.clone())),
        phone: r.phone.clone(),
        incidents: rec.incidents.clone(),
        note: r.note.clone(),
        decided: r.decided_at.map(|at| (rec.decided_by.clone().unwrap_or_default(), view::time(&t, tz, from_db(at)))),
        decidable: r.state == ReportState::New,
        note_field: FieldView::new(&t, "report.note", typed, error),
        r: line(&t, tz, &rec.listed),
        notice,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/supervisor/reports/{id}")]
pub async fn show(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<ReportId>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let rec = record(&state, id.into_inner().0).await?;
    let t = PageCtx::new(&req).t;
    let notice = ReportDecision::from_slug(&query.done).map(|d| (t.get(done_key(d)).to_owned(), false));
    page(&req, &state, rec, StatusCode::OK, (notice, "", None))
}

fn done_key(d: ReportDecision) -> &'static str {
    match d {
        ReportDecision::Review => "report.done_review",
        ReportDecision::Dismiss => "report.done_dismiss",
    }
}

/// The decision form: `decision` (`review` or `dismiss`) and `note`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionFields {
    decision: String,
    note: String,
}

#[post("/supervisor/reports/{id}")]
pub async fn decide(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<ReportId>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().0;
    let fields = form.or_forbidden()?.fields;
    let Some(decision) = ReportDecision::from_slug(&fields.decision) else {
        let rec = record(&state, id).await?;
        let refused = Refusal::invalid(crate::domain::field::Invalid::UnknownChoice);
        let notice = Some((refused.message(&PageCtx::new(&req).t), true));
        return page(&req, &state, rec, refused.status, (notice, &fields.note, None));
    };
    let (note, by) = (fields.note.clone(), who.0.user_id);
    let entry = (AuditKind::ReportDecided, format!("{decision}: {}", fields.note.trim()));
    let decided = with_audit(
        &state,
        &req,
        &who,
        entry,
        move |conn, now| service::decide(conn, id, decision, &note, by, now),
        |r: &ReportRow| format!("report {}", r.reference),
    )
    .await?;
    match decided {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/reports/{id}?done={decision}")))
            .finish()),
        Err(e) => {
            let refusal = e.refusal()?;
            let rec = record(&state, id).await?;
            let t = PageCtx::new(&req).t;
            let (notice, error) = match refusal.field {
                Some(_) => (None, Some(refusal.message(&t))),
                None => (Some((refusal.message(&t), true)), None),
            };
            page(&req, &state, rec, refusal.status, (notice, &fields.note, error))
        }
    }
}

/// The report's screenshot, or its thumbnail: supervisors only. Opening
/// the screenshot itself is on the audit log, as evidence is.
#[get("/supervisor/reports/{id}/screenshot{part:(/thumb)?}")]
pub async fn screenshot(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(ReportId, Part)>,
) -> Result<HttpResponse, AppError> {
    let (id, part) = path.into_inner();
    let r = state.db(move |conn| store::find(conn, id.0)?.ok_or(AppError::NotFound)).await?;
    let (Some(kind), Some(sha)) = (r.screenshot_kind, r.screenshot_sha256.clone()) else {
        return Err(AppError::NotFound);
    };
    let name = format!("report-{}", r.reference);
    if part == Part::Thumb {
        let thumb = r.screenshot_thumb_sha256.as_deref().ok_or(AppError::NotFound)?;
        return send_file(&state, thumb, Kind::Jpeg, (&name, &format!("{name}.jpg"))).await;
    }
    let subject = format!("report {}", r.reference);
    state.audit(state.actor(&req, &who.0), AuditKind::EvidenceOpened, subject, "screenshot".into()).await?;
    send_file(&state, &sha, kind, (&name, &format!("{name}.{}", kind.extension()))).await
}

//! Recording an inspection: `GET /supervisor/inspections/new` (with
//! `?room=ID`, from the room's page, and `&session=ID` to name the
//! session; without, the room is chosen from a list) and
//! `POST /supervisor/inspections` (`room`, `live_session`, `inspected_at`,
//! `found`, `verdict`, and `evidence` files checked as a complaint's are).
//! A mistake shows the form again (422) with its message next to the
//! field and everything typed kept; the record is on the staff audit log.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::audit::AuditKind;
use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::inspection::{InspectionForm, Verdict};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::inspections::{self as service, InspectionError};
use crate::store::inspections as store;
use crate::store::{from_db, live};
use crate::web::consumer::Choice;
use crate::web::form::CsrfUpload;
use crate::web::page::{PageCtx, render};
use crate::web::refusal;
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::FieldView;
use crate::web::{AppState, csrf};

/// The form offers this many of the room's latest sessions, and this many
/// rooms to choose from.
const SESSIONS_OFFERED: i64 = 30;
const ROOMS_OFFERED: i64 = 500;

#[derive(Template)]
#[template(path = "supervisor/inspection_new.html")]
struct FormPage {
    ctx: PageCtx,
    /// The room inspected, when known: (id, name, merchant's id and name).
    room: Option<(i64, String, i64, String)>,
    /// Otherwise the rooms to choose from.
    rooms: Vec<Choice>,
    room_field: FieldView,
    live_session: FieldView,
    sessions: Vec<Choice>,
    inspected_at: FieldView,
    found: FieldView,
    verdict: FieldView,
    verdicts: Vec<Choice>,
    evidence: FieldView,
    csrf: String,
}

/// What the page needs from the database.
struct Loaded {
    room: Option<(live::RoomRow, String)>,
    rooms: Vec<(live::RoomRow, String)>,
    sessions: Vec<live::SessionRow>,
}

fn message(t: &Tr, errors: &FieldErrors, field: Field) -> Option<String> {
    errors.get(field).map(|why| refusal::invalid(t, why))
}

/// The form with `typed`, its mistakes and, for the evidence field, a
/// message; a room typed that does not exist is a 404.
async fn form_page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    typed: &InspectionForm,
    errors: &FieldErrors,
    evidence: Option<String>,
) -> Result<HttpResponse, AppError> {
    let room_id = typed.room.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let loaded = state
        .db(move |conn| {
            let room = match room_id {
                Some(id) => {
                    let room = live::find_room(conn, id)?.ok_or(AppError::NotFound)?;
                    let merchant = crate::store::merchants::find(conn, room.merchant_id)?.ok_or(AppError::NotFound)?;
                    Some((room, merchant.name))
                }
                None => None,
            };
            let (rooms, sessions) = match &room {
                Some((r, _)) => (Vec::new(), store::room_sessions(conn, r.id, SESSIONS_OFFERED)?),
                None => (store::rooms(conn, ROOMS_OFFERED)?, Vec::new()),
            };
            Ok(Loaded { room, rooms, sessions })
        })
        .await?;
    let ctx = PageCtx::new(req);
    let (t, tz) = (ctx.t, state.config.tz);
    let m = |f: Field| message(&t, errors, f);
    let chosen = |value: &str, typed: &str| !value.is_empty() && value == typed.trim();
    let page = FormPage {
        rooms: loaded
            .rooms
            .iter()
            .map(|(r, merchant)| Choice {
                value: r.id.to_string(),
                label: format!("{merchant} · {}", r.name),
                selected: chosen(&r.id.to_string(), &typed.room),
            })
            .collect(),
        sessions: loaded
            .sessions
            .iter()
            .map(|s| {
                let (start, end) = (t.time(tz, from_db(s.started_at)), t.time(tz, from_db(s.ended_at)));
                Choice {
                    value: s.id.to_string(),
                    label: t.fmt("inspection.session_choice", &[("start", &start), ("end", &end)]),
                    selected: chosen(&s.id.to_string(), &typed.live_session),
                }
            })
            .collect(),
        room: loaded.room.map(|(r, merchant)| (r.id, r.name, r.merchant_id, merchant)),
        room_field: FieldView::new(&t, "inspection.room", &typed.room, m(Field::Room)),
        live_session: FieldView::new(&t, "inspection.live_session", &typed.live_session, m(Field::LiveSession)),
        inspected_at: FieldView::new(&t, "inspection.inspected_at", &typed.inspected_at, m(Field::InspectedAt)),
        found: FieldView::new(&t, "inspection.found", &typed.found, m(Field::Found)),
        verdict: FieldView::new(&t, "inspection.verdict", &typed.verdict, m(Field::Verdict)),
        verdicts: Verdict::ALL
            .iter()
            .map(|v| Choice {
                value: v.slug().into(),
                label: t.get(v.key()).into(),
                selected: *v == typed.verdict.trim(),
            })
            .collect(),
        evidence: FieldView::new(&t, "inspection.evidence", "", evidence),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// `?room=` and `?session=`, as typed: read by the form like its fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Prefill {
    room: String,
    session: String,
}

#[get("/supervisor/inspections/new")]
pub async fn new_form(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    prefill: web::Query<Prefill>,
) -> Result<HttpResponse, AppError> {
    let Prefill { room, session } = prefill.into_inner();
    // A room that is not an id is no room: not found, as its page would be.
    if !room.trim().is_empty() && room.trim().parse::<i64>().ok().filter(|id| *id > 0).is_none() {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now().with_timezone(&state.config.tz);
    let typed = InspectionForm {
        room,
        live_session: session,
        inspected_at: now.format("%Y-%m-%dT%H:%M").to_string(),
        ..InspectionForm::default()
    };
    form_page(&state, &req, StatusCode::OK, &typed, &FieldErrors::default(), None).await
}

#[post("/supervisor/inspections")]
pub async fn create(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    form: CsrfUpload<InspectionForm>,
) -> Result<HttpResponse, AppError> {
    let posted = form.or_forbidden()?;
    let (typed, files) = (posted.fields, posted.files);
    let t = PageCtx::new(&req).t;
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let valid = match typed.validate(state.config.tz, state.clock.now()) {
        Ok(v) => v,
        Err(errors) => {
            // A file input keeps nothing: the files need choosing again.
            let again = (!files.is_empty()).then(|| t.get("form.evidence_again").to_owned());
            return form_page(&state, &req, invalid, &typed, &errors, again).await;
        }
    };
    let stored = match crate::web::evidence::accept(&state, &t, files).await? {
        Ok(stored) => stored,
        Err(message) => return form_page(&state, &req, invalid, &typed, &FieldErrors::default(), Some(message)).await,
    };
    let by = who.0.user_id;
    let entry = (AuditKind::InspectionRecorded, format!("room {} {}", valid.room_id, valid.verdict.slug()));
    let recorded = with_audit(
        &state,
        &req,
        &who,
        entry,
        move |conn, now| service::record(conn, by, &valid, &stored, now),
        |id: &i64| format!("inspection {id}"),
    )
    .await?;
    match recorded {
        Ok(id) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/inspections/{id}?done=recorded")))
            .finish()),
        Err(InspectionError::NotFound) => Err(AppError::NotFound),
        Err(InspectionError::Fields(errors)) => form_page(&state, &req, invalid, &typed, &errors, None).await,
        Err(InspectionError::Db(e)) => Err(e.into()),
    }
}

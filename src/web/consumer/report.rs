//! `/report`: anyone reports what they saw in a live room or session (举报),
//! in two steps that work without a script: first the merchant (a list, or
//! a search when there are many), then the room, the session if known,
//! when, what was seen, a screenshot and a phone number, both optional.
//! What happens when it is sent is in [`sending`]; `/report/thanks` gives
//! the reference.

mod sending;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use super::Choice;
use super::file::merchant_choices;
use crate::domain::field::{Field, FieldErrors};
use crate::domain::report::{ReportForm, SEEN_DAYS, is_reference};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::store::{live, merchants};
use crate::web::page::{PageCtx, render};
use crate::web::refusal::{self, Refusal};
use crate::web::view::FieldView;
use crate::web::{AppState, csrf};

pub use sending::send;

/// The form's fields, named as the form's.
struct Fields {
    merchant: FieldView,
    room: FieldView,
    live_session: FieldView,
    seen_at: FieldView,
    description: FieldView,
    screenshot: FieldView,
    phone: FieldView,
}

impl Fields {
    fn new(t: &Tr, form: &ReportForm, errors: &FieldErrors, screenshot: Option<String>) -> Fields {
        let error = |field: Field| errors.get(field).map(|why| refusal::invalid(t, why));
        Fields {
            merchant: FieldView::new(t, "report.merchant", &form.merchant, error(Field::Merchant)),
            room: FieldView::new(t, "report.room", &form.room, error(Field::Room)),
            live_session: FieldView::new(t, "report.live_session", &form.live_session, error(Field::LiveSession)),
            seen_at: FieldView::new(t, "report.seen_at", &form.seen_at, error(Field::SeenAt)),
            description: FieldView::new(t, "report.description", &form.description, error(Field::Description)),
            screenshot: FieldView::new(t, "report.screenshot", "", screenshot),
            phone: FieldView::new(t, "report.phone", &form.phone, error(Field::Phone)),
        }
    }

    /// `refusal`'s message next to its field: `false` when it is about no
    /// field of the form (the page's notice says it instead).
    fn refuse(&mut self, t: &Tr, refusal: Refusal) -> bool {
        let view = match refusal.field {
            Some("merchant") => &mut self.merchant,
            Some("room") => &mut self.room,
            Some("live_session") => &mut self.live_session,
            Some("screenshot") => &mut self.screenshot,
            _ => return false,
        };
        view.error = Some(refusal.message(t));
        true
    }

    /// The form's mistakes, in its order: each field's id and "label: what
    /// is wrong", for the summary at the top.
    fn mistakes(&self, t: &Tr) -> Vec<(String, String)> {
        [
            &self.merchant,
            &self.room,
            &self.live_session,
            &self.seen_at,
            &self.description,
            &self.screenshot,
            &self.phone,
        ]
        .into_iter()
        .filter_map(|f| f.mistake(t))
        .collect()
    }
}

/// The first step: how the merchant is picked.
struct Picker {
    /// Too many to list: a search box, and what it found as radio buttons.
    search: bool,
    q: String,
    options: Vec<Choice>,
    nothing_found: bool,
}

/// The second step: the merchant chosen, its rooms and recent sessions.
struct Chosen {
    id: i64,
    name: String,
    rooms: Vec<Choice>,
    sessions: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "consumer/report.html")]
struct ReportPage {
    ctx: PageCtx,
    f: Fields,
    has_errors: bool,
    notice: Option<String>,
    picker: Picker,
    chosen: Option<Chosen>,
    /// The latest time the `seen_at` field takes: now, in the deployment's
    /// zone (`YYYY-MM-DDTHH:MM`), and the earliest.
    max_seen: String,
    min_seen: String,
    csrf: String,
}

/// The form as shown (again): what was typed, the search, what is wrong.
#[derive(Default)]
struct Shown {
    typed: ReportForm,
    q: String,
    errors: FieldErrors,
    refusal: Option<Refusal>,
    /// What the screenshot field says: a file refused, or that it needs
    /// choosing again (a file input keeps nothing).
    screenshot: Option<String>,
    notice: Option<String>,
}

/// Renders the form as `shown`: the first step until a merchant that
/// exists is chosen, then the second.
async fn page(state: &AppState, req: &HttpRequest, status: StatusCode, shown: Shown) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let picked = shown.typed.merchant.trim().to_owned();
    let chosen = chosen(state, &t, &shown.typed).await?;
    let (search, offered) =
        if chosen.is_some() { (false, Vec::new()) } else { merchant_choices(state, &picked, &shown.q).await };
    let mut f = Fields::new(&t, &shown.typed, &shown.errors, shown.screenshot);
    let (mut has_errors, mut notice) = (!shown.errors.is_empty(), shown.notice);
    if let Some(refusal) = shown.refusal {
        if f.refuse(&t, refusal) {
            has_errors = true;
        } else {
            notice = Some(refusal.message(&t));
        }
    }
    if search {
        f.merchant = f.merchant.with_id("merchant_q");
        f.merchant.hint = t.get("form.merchant_search_hint").to_owned();
    }
    let options = offered
        .iter()
        .map(|m| Choice { selected: m.id.to_string() == picked, value: m.id.to_string(), label: m.name.clone() })
        .collect();
    let q = shown.q.trim().to_owned();
    let (tz, now) = (state.config.tz, state.clock.now());
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string();
    let page = ReportPage {
        picker: Picker { search, nothing_found: search && !q.is_empty() && offered.is_empty(), q, options },
        chosen,
        f,
        has_errors,
        notice,
        max_seen: local(now),
        min_seen: local(now - Duration::days(SEEN_DAYS)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The merchant typed, its rooms and its sessions of the last
/// [`SEEN_DAYS`] days as the form offers them; none when no merchant that
/// exists is chosen.
async fn chosen(state: &AppState, t: &Tr, typed: &ReportForm) -> Result<Option<Chosen>, AppError> {
    let Some(id) = typed.merchant.trim().parse::<i64>().ok().filter(|id| *id > 0) else { return Ok(None) };
    let since = state.clock.now() - Duration::days(SEEN_DAYS);
    let read = state
        .db(move |conn| {
            let Some(m) = merchants::find(conn, id)? else { return Ok(None) };
            let rooms = live::rooms(conn, id)?;
            let sessions = live::sessions_since(conn, id, since)?;
            let hosts = if sessions.is_empty() { Vec::new() } else { live::hosts(conn, id)? };
            Ok(Some((m.name, rooms, sessions, hosts)))
        })
        .await?;
    let Some((name, rooms, sessions, hosts)) = read else { return Ok(None) };
    let (room, session, tz) = (typed.room.trim(), typed.live_session.trim(), state.config.tz);
    // One room: it is the one, chosen already.
    let only = (room.is_empty() && rooms.len() == 1).then(|| rooms[0].id.to_string());
    let room = only.as_deref().unwrap_or(room);
    let mut offered =
        vec![Choice { value: String::new(), label: t.get("report.room_choose").into(), selected: room.is_empty() }];
    offered.extend(rooms.iter().map(|r| Choice {
        selected: r.id.to_string() == room,
        value: r.id.to_string(),
        label: format!("{} · {}", r.name, t.get(r.platform.key())),
    }));
    let mut recent = vec![Choice {
        value: String::new(),
        label: t.get("report.session_unknown").into(),
        selected: session.is_empty(),
    }];
    recent.extend(sessions.into_iter().map(|s| {
        let room = rooms.iter().find(|r| r.id == s.room_id).map_or("", |r| r.name.as_str());
        let host = hosts.iter().find(|h| h.id == s.host_id).map_or("", |h| h.display_name.as_str());
        let start = s.started_at.and_utc().with_timezone(&tz).format("%Y-%m-%d %H:%M");
        Choice {
            selected: s.id.to_string() == session,
            value: s.id.to_string(),
            label: format!("{room} · {host} · {start}"),
        }
    }));
    Ok(Some(Chosen { id, name, rooms: offered, sessions: recent }))
}

/// `/report?merchant=…&room=…` (a merchant chosen, or a room's link) and
/// the merchant search's `merchant_q`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    merchant: String,
    room: String,
    merchant_q: String,
}

#[get("/report")]
pub async fn show_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let ReportQuery { merchant, room, merchant_q } = query.into_inner();
    // Most report what they are watching: now, to be changed if not.
    let now = state.clock.now().with_timezone(&state.config.tz).format("%Y-%m-%dT%H:%M").to_string();
    let typed = ReportForm { merchant, room, seen_at: now, ..ReportForm::default() };
    page(&state, &req, StatusCode::OK, Shown { typed, q: merchant_q, ..Shown::default() }).await
}

#[derive(Template)]
#[template(path = "consumer/report_thanks.html")]
struct ThanksPage {
    ctx: PageCtx,
    reference: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ThanksQuery {
    #[serde(rename = "ref")]
    reference: String,
}

/// The report's reference, once it is made. Nothing is looked up: the
/// page only repeats a reference of the right shape.
#[get("/report/thanks")]
pub async fn thanks(req: HttpRequest, query: web::Query<ThanksQuery>) -> Result<HttpResponse, AppError> {
    let reference = query.into_inner().reference;
    if !is_reference(&reference) {
        return Err(AppError::NotFound);
    }
    render(StatusCode::OK, &ThanksPage { ctx: PageCtx::new(&req), reference })
}

//! `/supervisor/deposits`: the deposit each category of merchant must keep
//! (a merchant's is the largest of its categories'; `none` for one that
//! has named none), one form a row (`category`, `amount` in yuan). A
//! change is on the staff audit log; a mistake comes back (422) next to
//! its row, with what was typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::amount::format_yuan;
use crate::domain::audit::AuditKind;
use crate::domain::deposit::requirement_keys;
use crate::domain::merchant::SoldCategory;
use crate::error::AppError;
use crate::service::deposits as service;
use crate::store::deposits::{self as store, RequirementRow};
use crate::store::from_db;
use crate::web::form::{CsrfForm, Forged};
use crate::web::page::{PageCtx, render};
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::{self, TimeView, money};
use crate::web::{AppState, csrf};

pub struct RequirementLine {
    pub category: &'static str,
    pub label: String,
    pub required_fen: i64,
    pub required: String,
    /// What the form shows: the requirement in yuan, or what was typed.
    pub value: String,
    pub error: Option<String>,
    pub changed: Option<(TimeView, String)>,
}

#[derive(Template)]
#[template(path = "supervisor/deposits.html")]
struct DepositsPage {
    ctx: PageCtx,
    lines: Vec<RequirementLine>,
    notice: Option<(String, bool)>,
    csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequirementFields {
    category: String,
    amount: String,
}

/// The page (`?done=changed` after a change that worked); `refused`: the row refused, what was typed and the message.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    notice: Option<(String, bool)>,
    refused: Option<(&RequirementFields, String)>,
) -> Result<HttpResponse, AppError> {
    let rows = state.db(move |conn| Ok(store::requirement_rows(conn)?)).await?;
    let ctx = PageCtx::new(req);
    let (t, tz) = (ctx.t, state.config.tz);
    let lines = requirement_keys()
        .map(|key| {
            let row: Option<&RequirementRow> = rows.iter().find(|r| r.category == key);
            let fen = row.map_or(0, |r| r.required_fen);
            let label = match SoldCategory::from_slug(key) {
                Some(c) => t.get(c.key()).to_owned(),
                None => t.get("deposit.unlisted").to_owned(),
            };
            let mine = refused.as_ref().filter(|(f, _)| f.category.trim() == key);
            RequirementLine {
                category: key,
                label,
                required_fen: fen,
                required: money(fen),
                value: mine.map_or_else(|| format_yuan(fen), |(f, _)| f.amount.clone()),
                error: mine.map(|(_, message)| message.clone()),
                changed: row.and_then(|r| {
                    let at = r.changed_at?;
                    Some((view::time(&t, tz, from_db(at)), r.changed_by.clone().unwrap_or_default()))
                }),
            }
        })
        .collect();
    render(status, &DepositsPage { lines, notice, csrf: csrf::token(req), ctx })
}

#[get("/supervisor/deposits")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    done: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let notice = (done.done == "changed").then(|| (t.get("deposit.done_changed").to_owned(), false));
    page(&state, &req, StatusCode::OK, notice, None).await
}

#[post("/supervisor/deposits")]
pub async fn edit(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    form: CsrfForm<RequirementFields>,
) -> Result<HttpResponse, AppError> {
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refuse(&state, &req, Refusal::FORGED, &posted.fields).await,
    };
    let detail = format!("{}: {}", fields.category.trim(), fields.amount.trim());
    let (category, amount, by) = (fields.category.clone(), fields.amount.clone(), who.0.user_id);
    let set = move |conn: &mut _, now| service::set_requirement(conn, &category, &amount, by, now);
    let subject = {
        let key = fields.category.trim().to_owned();
        move |before: &Option<i64>| {
            let was = before.map_or_else(|| "none".to_owned(), format_yuan);
            format!("deposit requirement {key} (was {was})")
        }
    };
    match with_audit(&state, &req, &who, (AuditKind::DepositRequirementChanged, detail), set, subject).await? {
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header(("Location", "/supervisor/deposits?done=changed")).finish()),
        Err(e) => refuse(&state, &req, e.refusal()?, &fields).await,
    }
}

/// The page again with the refusal's message next to its row (or on top,
/// for a row that is not one of the table's).
async fn refuse(
    state: &AppState,
    req: &HttpRequest,
    refusal: Refusal,
    fields: &RequirementFields,
) -> Result<HttpResponse, AppError> {
    let message = refusal.message(&PageCtx::new(req).t);
    let known = requirement_keys().any(|k| k == fields.category.trim());
    page(state, req, refusal.status, Some((message.clone(), true)), known.then_some((fields, message))).await
}

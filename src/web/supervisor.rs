//! The supervisors' part of the site: the escalation queue.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use super::AppState;
use super::page::{PageCtx, render};
use super::session::Supervisor;
use super::view::{self, TimeView};
use crate::error::AppError;
use crate::store::{complaints, from_db};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(queue);
}

pub struct QueueRow {
    pub reference: String,
    pub merchant: String,
    pub category: String,
    pub reason: String,
    pub escalated: Option<TimeView>,
}

#[derive(Template)]
#[template(path = "supervisor/queue.html")]
struct QueuePage {
    ctx: PageCtx,
    rows: Vec<QueueRow>,
}

#[get("/supervisor")]
pub async fn queue(req: HttpRequest, _who: Supervisor, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let rows = state.db(|conn| Ok(complaints::escalated(conn, 100)?)).await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let tz = state.config.tz;
    let rows = rows
        .into_iter()
        .map(|(c, merchant)| QueueRow {
            reason: c.escalation_reason.as_deref().map_or(String::new(), |r| t.get(&format!("reason.{r}")).to_owned()),
            escalated: c.escalated_at.map(|at| view::time(&t, tz, from_db(at))),
            category: t.get(&format!("category.{}", c.category)).to_owned(),
            reference: c.reference,
            merchant,
        })
        .collect();
    render(StatusCode::OK, &QueuePage { ctx, rows })
}

//! The consumer's private tracking page, `/t/{token}`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::contact::{Email, Phone};
use crate::domain::deadline::DeadlineKind;
use crate::error::AppError;
use crate::service::tracking::{self, LinkMail};
use crate::store::from_db;
use crate::web::page::{PageCtx, render};
use crate::web::view::{self, DeadlineView, TimeView};
use crate::web::{AppState, csrf, form};

pub struct EventView {
    pub at: TimeView,
    pub title: String,
    pub body: Option<String>,
}

#[derive(Template)]
#[template(path = "consumer/tracking.html")]
struct TrackingPage {
    ctx: PageCtx,
    token: String,
    reference: String,
    merchant: String,
    state: &'static str,
    state_label: String,
    category: String,
    resolution: String,
    amount: Option<String>,
    order_ref: String,
    description: String,
    consumer_name: String,
    contact: String,
    submitted: TimeView,
    deadlines: Vec<DeadlineView>,
    timeline: Vec<EventView>,
    has_email: bool,
    link_notice: Option<String>,
    csrf: String,
}

#[get("/t/{token}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let lookup = token.clone();
    let found = state.db(move |conn| Ok(tracking::by_token(conn, &lookup)?)).await?;
    let found = found.ok_or(AppError::NotFound)?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let tz = state.config.tz;
    let now = state.clock.now();
    let c = &found.complaint;
    let contact = [c.consumer_phone.as_deref().map(Phone::masked), c.consumer_email.as_deref().map(Email::masked)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let link_notice = query.get("link").and_then(|v| match v.as_str() {
        "queued" | "already" | "none" => Some(t.get(&format!("tracking.link_{v}")).to_owned()),
        _ => None,
    });
    let page = TrackingPage {
        token: token.clone(),
        reference: c.reference.clone(),
        merchant: found.merchant_name.clone(),
        state: c.state().slug(),
        state_label: t.get(&format!("state.{}", c.state().slug())).to_owned(),
        category: t.get(&format!("category.{}", c.category)).to_owned(),
        resolution: t.get(&format!("resolution.{}", c.desired_resolution)).to_owned(),
        amount: c.amount_fen.map(view::money),
        order_ref: c.order_ref.clone(),
        description: c.description.clone(),
        consumer_name: c.consumer_name.clone(),
        contact,
        submitted: view::time(&t, tz, from_db(c.submitted_at)),
        deadlines: vec![
            view::deadline(&t, tz, DeadlineKind::Response, &c.response_deadline(), now),
            view::deadline(&t, tz, DeadlineKind::Resolution, &c.resolution_deadline(), now),
        ],
        timeline: found
            .timeline
            .iter()
            .map(|e| EventView {
                at: view::time(&t, tz, from_db(e.at)),
                title: t.get(&format!("event.{}", e.kind)).to_owned(),
                body: e.body.clone(),
            })
            .collect(),
        has_email: c.consumer_email.is_some(),
        link_notice,
        csrf: csrf::token(&req),
        ctx,
    };
    render(StatusCode::OK, &page)
}

/// "E-mail me this link": queues the e-mail (sent by the mail dispatcher).
#[post("/t/{token}/send-link")]
pub async fn send_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fields = form::read(&req, body).await?;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        return Err(AppError::Forbidden);
    }
    let token = token.into_inner();
    let lookup = token.clone();
    let clock = state.clock.clone();
    let result = state.db(move |conn| Ok(tracking::mail_link(conn, &lookup, clock.now())?)).await?;
    let flag = match result.ok_or(AppError::NotFound)? {
        LinkMail::Queued(_) => "queued",
        LinkMail::AlreadyQueued(_) => "already",
        LinkMail::NoAddress => "none",
    };
    Ok(HttpResponse::SeeOther().insert_header(("Location", format!("/t/{token}?link={flag}"))).finish())
}

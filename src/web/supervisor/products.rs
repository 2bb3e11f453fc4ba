//! `/supervisor/products`: the products waiting for review, oldest first,
//! their claims with risky wording marked, and the decision on each
//! (`decision` = approve, reject, delist, restore; `reason`), on the staff
//! audit log. The merchant is told by the review service.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::audit::AuditKind;
use crate::domain::live::claims::pieces;
use crate::domain::live::{ProductDecision, Target};
use crate::error::AppError;
use crate::service::review;
use crate::store::live;
use crate::web::form::CsrfForm;
use crate::web::page::{PageCtx, render};
use crate::web::path::ProductId;
use crate::web::session::Supervisor;
use crate::web::supervisor::live as thing;
use crate::web::supervisor::with_audit;
use crate::web::{AppState, csrf};

/// The queue shows this many at a time.
const QUEUE_AT_MOST: i64 = 100;

pub struct QueueLine {
    pub id: i64,
    pub name: String,
    pub merchant_id: i64,
    pub merchant: String,
    /// The merchant's supervision status (`none`, `flagged`, …) and its label.
    pub supervision: (&'static str, String),
    pub category: String,
    pub licence: String,
    /// The claims in pieces: (text, risk slug if it is risky wording).
    pub claims: Vec<(String, Option<&'static str>)>,
    pub risky: bool,
}

#[derive(Template)]
#[template(path = "supervisor/products.html")]
struct QueuePage {
    ctx: PageCtx,
    lines: Vec<QueueLine>,
    decisions: Vec<(&'static str, String)>,
    notice: Option<(String, bool)>,
    /// What was typed into the form that was refused: (product, reason).
    typed: Option<(i64, String)>,
    csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    notice: Option<(String, bool)>,
    typed: Option<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let rows = state.db(move |conn| Ok(live::pending_products(conn, QUEUE_AT_MOST)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let lines = rows
        .into_iter()
        .map(|(p, merchant, supervision)| {
            let claims: Vec<(String, Option<&'static str>)> =
                pieces(&p.claims, p.category).into_iter().map(|(s, r)| (s.to_owned(), r.map(|r| r.slug()))).collect();
            QueueLine {
                id: p.id,
                risky: claims.iter().any(|(_, r)| r.is_some()),
                claims,
                name: p.name,
                merchant_id: p.merchant_id,
                merchant,
                supervision: (supervision.slug(), t.get(supervision.key()).to_owned()),
                category: t.get(p.category.key()).to_owned(),
                licence: p.licence.unwrap_or_default(),
            }
        })
        .collect();
    let decisions = [ProductDecision::Approve, ProductDecision::Reject]
        .into_iter()
        .map(|d| (d.slug(), t.get(d.key()).to_owned()))
        .collect();
    render(status, &QueuePage { lines, decisions, notice, typed, csrf: csrf::token(req), ctx })
}

#[get("/supervisor/products")]
pub async fn queue(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let notice = (done.done == "decided").then(|| (t.get("product_review.done").to_owned(), false));
    page(&state, &req, StatusCode::OK, notice, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionFields {
    decision: String,
    reason: String,
}

#[post("/supervisor/products/{id}")]
pub async fn decide(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<ProductId>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.or_forbidden()?.fields;
    let id = id.into_inner().0;
    let (decision, reason) = (fields.decision.clone(), fields.reason.clone());
    let config = state.config.clone();
    let by = who.0.user_id;
    let entry = (AuditKind::ProductReviewed, format!("{} {}", fields.decision.trim(), fields.reason.trim()));
    let result = with_audit(
        &state,
        &req,
        &who,
        entry,
        move |conn, now| review::decide(conn, &config, id, &decision, &reason, by, now),
        move |_| format!("product {id}"),
    )
    .await?;
    // Approving and rejecting happen in the queue; delisting and restoring
    // on the product's own page: the answer goes back where the form was.
    let on_page = matches!(
        ProductDecision::from_slug(fields.decision.trim()),
        Some(ProductDecision::Delist | ProductDecision::Restore)
    );
    match result {
        Ok(_) if on_page => Ok(thing::back((Target::Product, id))),
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header(("Location", "/supervisor/products?done=decided")).finish()),
        Err(e) if on_page => thing::refused(&state, &req, (Target::Product, id), e, fields.reason).await,
        Err(e) => {
            let (status, key) = thing::refusal(e)?;
            let t = PageCtx::new(&req).t;
            page(&state, &req, status, Some((t.get(key).to_owned(), true)), Some((id, fields.reason))).await
        }
    }
}

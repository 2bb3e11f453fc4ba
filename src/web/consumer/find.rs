//! `/track`: finding a complaint again by its reference and the phone or
//! e-mail it was filed with.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::error::AppError;
use crate::service::tracking;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};

#[derive(Template)]
#[template(path = "consumer/track.html")]
struct TrackPage {
    ctx: PageCtx,
    reference: String,
    contact: String,
    reference_error: Option<String>,
    contact_error: Option<String>,
    not_found: bool,
}

#[get("/track")]
pub async fn track(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(&req);
    let reference = query
        .get("reference")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let contact = query
        .get("contact")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let mut page = TrackPage {
        reference_error: None,
        contact_error: None,
        not_found: false,
        reference: reference.clone(),
        contact: contact.clone(),
        ctx,
    };
    if !query.contains_key("reference") && !query.contains_key("contact") {
        return render(StatusCode::OK, &page);
    }
    let required = page.ctx.t.get("error.required").to_owned();
    if reference.is_empty() || contact.is_empty() {
        page.reference_error = reference.is_empty().then(|| required.clone());
        page.contact_error = contact.is_empty().then_some(required);
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let found = state
        .db(move |conn| Ok(tracking::find(conn, &reference, &contact)?))
        .await?;
    match found {
        Some(token) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/t/{token}")))
            .finish()),
        None => {
            page.not_found = true;
            render(StatusCode::NOT_FOUND, &page)
        }
    }
}

//! `/track`: finding a complaint again by its reference and the phone or
//! e-mail it was filed with.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::Limited;
use crate::error::AppError;
use crate::service::tracking;
use crate::web::AppState;
use crate::web::limit::Scope;
use crate::web::page::{PageCtx, render};
use crate::web::view::FieldView;

#[derive(Template)]
#[template(path = "consumer/track.html")]
struct TrackPage {
    ctx: PageCtx,
    reference: FieldView,
    contact: FieldView,
    not_found: bool,
    /// Too many look-ups from this address: the words to say so.
    notice: Option<String>,
}

/// The look-up form (sent by GET): neither field on a first visit.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Lookup {
    reference: Option<String>,
    contact: Option<String>,
}

#[get("/track")]
pub async fn track(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<Lookup>,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let Lookup { reference, contact } = query.into_inner();
    let typed = |v: Option<String>| v.map(|s| s.trim().to_owned());
    let (reference, contact) = (typed(reference), typed(contact));
    let required =
        |v: &Option<String>| v.as_deref().unwrap_or("").is_empty().then(|| t.get("error.required").to_owned());
    let mut page = TrackPage {
        reference: FieldView::new(&t, "track.reference", reference.as_deref().unwrap_or(""), required(&reference)),
        contact: FieldView::new(&t, "track.contact", contact.as_deref().unwrap_or(""), required(&contact)),
        not_found: false,
        notice: None,
        ctx,
    };
    match (reference, contact) {
        (None, None) => {
            page.reference.error = None;
            page.contact.error = None;
            render(StatusCode::OK, &page)
        }
        (Some(reference), Some(contact)) if !reference.is_empty() && !contact.is_empty() => {
            // Guessing references and phone numbers takes many look-ups.
            if let Err(limited) = Limited::check(&state, &req, Scope::Lookups) {
                let refusal = limited.refusal();
                page.notice = Some(refusal.message(&t));
                return Ok(limited.answer(render(refusal.status, &page)?));
            }
            let found = state.db(move |conn| Ok(tracking::find(conn, &reference, &contact)?)).await?;
            match found {
                Some(token) => Ok(HttpResponse::SeeOther().insert_header(("Location", format!("/t/{token}"))).finish()),
                None => {
                    page.not_found = true;
                    render(StatusCode::NOT_FOUND, &page)
                }
            }
        }
        _ => render(StatusCode::UNPROCESSABLE_ENTITY, &page),
    }
}

//! `/track`: finding a complaint again by its reference and the phone or
//! e-mail it was filed with. The look-up is posted, so the phone number
//! never sits in a URL (the address bar, the history, a proxy's log); a
//! `GET` only shows the empty form, whatever its query says.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::Limited;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::service::tracking;
use crate::web::AppState;
use crate::web::csrf;
use crate::web::form::{CsrfForm, Forged};
use crate::web::limit::Scope;
use crate::web::page::{PageCtx, render};
use crate::web::refusal::Refusal;
use crate::web::view::FieldView;

#[derive(Template)]
#[template(path = "consumer/track.html")]
struct TrackPage {
    ctx: PageCtx,
    reference: FieldView,
    contact: FieldView,
    not_found: bool,
    /// Too many look-ups from this address, or a forged form: the words to
    /// say so.
    notice: Option<String>,
    csrf: String,
}

impl TrackPage {
    /// The form with `reference` and `contact` typed in, each marked
    /// required when `check` and empty.
    fn new(req: &HttpRequest, reference: &str, contact: &str, check: bool) -> TrackPage {
        let mut ctx = PageCtx::new(req);
        // The other language's link keeps no query: an old `?contact=…`
        // would put the number back on the page.
        let other = if ctx.lang == Lang::En { Lang::ZhCn } else { Lang::En };
        ctx.switch_href = format!("/track?lang={}", other.code());
        let t = ctx.t;
        let required = |v: &str| (check && v.is_empty()).then(|| t.get("error.required").to_owned());
        TrackPage {
            reference: FieldView::new(&t, "track.reference", reference, required(reference)),
            contact: FieldView::new(&t, "track.contact", contact, required(contact)),
            not_found: false,
            notice: None,
            csrf: csrf::token(req),
            ctx,
        }
    }
}

/// The look-up form, as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Lookup {
    reference: String,
    contact: String,
}

/// The empty form: a query string (an old bookmark with `?contact=…`)
/// looks nothing up and is not shown back.
#[get("/track")]
pub async fn track(req: HttpRequest) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &TrackPage::new(&req, "", "", false))
}

#[post("/track")]
pub async fn look_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<Lookup>,
) -> Result<HttpResponse, AppError> {
    let (forged, Lookup { reference, contact }) = match form.checked() {
        Ok(posted) => (false, posted.fields),
        Err(Forged(posted)) => (true, posted.fields),
    };
    let (reference, contact) = (reference.trim().to_owned(), contact.trim().to_owned());
    let mut page = TrackPage::new(&req, &reference, &contact, !forged);
    if forged {
        page.notice = Some(Refusal::FORGED.message(&page.ctx.t));
        return render(Refusal::FORGED.status, &page);
    }
    if reference.is_empty() || contact.is_empty() {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    // Guessing references and phone numbers takes many look-ups.
    if let Err(limited) = Limited::check(&state, &req, Scope::Lookups) {
        let refusal = limited.refusal();
        page.notice = Some(refusal.message(&page.ctx.t));
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

//! The merchant's public response to a complaint (the CFPB's "company
//! public response"): one of a fixed list, shown beside the case in the
//! public register, chosen or changed for 180 days after filing:
//! `POST /merchant/complaints/{reference}/public-response`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::complaint::{Here, Typed};
use crate::domain::register::{PublicResponse, RESPONSE_CHANGEABLE, response_changeable};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::publication;
use crate::store::complaints::Complaint;
use crate::store::from_db;
use crate::store::register::Entry;
use crate::web::AppState;
use crate::web::consumer::Choice;
use crate::web::form::{CsrfForm, Forged};
use crate::web::path::Reference;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::MerchantStaff;
use crate::web::view::{self, FieldView, TimeView};

/// The page's public-response card.
pub struct PublicResponseView {
    /// The response chosen: its slug (empty for none).
    pub current: &'static str,
    /// The response chosen, in the reader's words.
    pub chosen: Option<String>,
    /// The consumer has consented to publication (now).
    pub consented: bool,
    /// The form, while the response may be changed.
    pub form: Option<ResponseForm>,
}

pub struct ResponseForm {
    pub field: FieldView,
    /// The fixed list, the current choice selected.
    pub choices: Vec<Choice>,
    /// Until when it may be changed.
    pub until: TimeView,
}

impl PublicResponseView {
    /// `error` is what was wrong with the response sent, if it was.
    pub fn new(
        t: &Tr,
        tz: Tz,
        c: &Complaint,
        entry: Option<&Entry>,
        error: Option<String>,
        now: DateTime<Utc>,
    ) -> Self {
        let current = entry.and_then(|e| e.response);
        let submitted = from_db(c.submitted_at);
        let form = response_changeable(submitted, now).then(|| ResponseForm {
            field: FieldView::new(t, "public_response.response", current.map_or("", PublicResponse::slug), error)
                .with_id("public-response"),
            choices: PublicResponse::ALL
                .iter()
                .map(|r| Choice { value: r.slug().into(), label: t.get(r.key()).into(), selected: current == Some(*r) })
                .collect(),
            until: view::time(t, tz, submitted + RESPONSE_CHANGEABLE),
        });
        PublicResponseView {
            current: current.map_or("", PublicResponse::slug),
            chosen: current.map(|r| t.get(r.key()).to_owned()),
            consented: entry.is_some_and(|e| e.consent),
            form,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResponseFields {
    response: String,
}

#[post("/merchant/complaints/{reference}/public-response")]
pub async fn choose(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    form: CsrfForm<ResponseFields>,
) -> Result<HttpResponse, AppError> {
    let here = Here::new(&state, &req, &who, reference.into_inner());
    let sent = match form.checked() {
        Ok(posted) => posted.fields.response,
        Err(Forged(_)) => return here.refused(Refusal::FORGED, Typed::default()).await,
    };
    let Some(response) = PublicResponse::from_slug(sent.trim()) else {
        let response_error = Some(here.t.get("public_response.choose").to_owned());
        return here.page(StatusCode::UNPROCESSABLE_ENTITY, Typed { response_error, ..Typed::default() }).await;
    };
    let (ids, reference, clock) = ((who.merchant_id, who.staff.user_id), here.reference.clone(), state.clock.clone());
    let result =
        state.db(move |conn| Ok(publication::choose_response(conn, ids, &reference, response, clock.now()))).await?;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/merchant/complaints/{}?done=public_response", here.reference)))
            .finish()),
        Err(e) => here.refused(e.refusal()?, Typed::default()).await,
    }
}

//! The reply form's template picker: "使用模板" posts the reply form here,
//! and the complaint's page comes back with the reply's text replaced by
//! the template, its placeholders filled from this complaint. Nothing is
//! stored and nothing is sent: the staff member reads it, edits it and
//! sends it with the form's own button. No script needed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::complaint::{Here, Typed};
use crate::domain::conversation::ReplyForm;
use crate::error::AppError;
use crate::service::reply_templates::{self as service, TemplateError};
use crate::web::AppState;
use crate::web::consumer::Choice;
use crate::web::form::{CsrfUpload, Forged, Posted};
use crate::web::path::Reference;
use crate::web::refusal::Refusal;
use crate::web::session::MerchantStaff;

/// The picker as `templates/merchant/_quick_reply.html` shows it.
pub struct QuickReply {
    /// Where "使用模板" posts the reply form.
    pub action: String,
    pub choices: Vec<Choice>,
}

impl QuickReply {
    /// The picker of complaint `reference`, offering the merchant's
    /// `templates` (id, title), `chosen` selected.
    pub fn new(reference: &str, templates: Vec<(i64, String)>, chosen: Option<i64>) -> QuickReply {
        QuickReply {
            action: format!("/merchant/complaints/{reference}/quick-reply"),
            choices: templates
                .into_iter()
                .map(|(id, title)| Choice { value: id.to_string(), label: title, selected: chosen == Some(id) })
                .collect(),
        }
    }
}

/// The reply form, as "使用模板" sends it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PickFields {
    template: String,
    body: String,
    visibility: String,
}

#[post("/merchant/complaints/{reference}/quick-reply")]
pub async fn use_template(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    form: CsrfUpload<PickFields>,
) -> Result<HttpResponse, AppError> {
    let here = Here::new(&state, &req, &who, reference.into_inner());
    let (forged, Posted { fields, files }) = match form.checked() {
        Ok(posted) => (false, posted),
        Err(Forged(posted)) => (true, posted),
    };
    // Shown again, the form cannot keep the files: they need choosing again.
    let evidence_error = (!files.is_empty()).then(|| here.t.get("form.evidence_again").to_owned());
    let typed = |body: String, template: Option<i64>| Typed {
        sent: ReplyForm { body, visibility: fields.visibility.clone() }.into(),
        evidence_error: evidence_error.clone(),
        template,
        ..Typed::default()
    };
    if forged {
        return here.refused(Refusal::FORGED, typed(fields.body.clone(), None)).await;
    }
    let Some(id) = fields.template.trim().parse::<i64>().ok().filter(|id| *id > 0) else {
        let notice = Some((here.t.get("quick_reply.choose_first").to_owned(), true));
        let typed = Typed { notice, ..typed(fields.body.clone(), None) };
        return here.page(StatusCode::UNPROCESSABLE_ENTITY, typed).await;
    };
    let (m, reference) = (who.merchant_id, here.reference.clone());
    let text = match state.db(move |conn| Ok(service::filled(conn, m, id, &reference))).await? {
        Ok(text) => text,
        Err(TemplateError::NotFound) => return Err(AppError::NotFound),
        Err(TemplateError::Db(e)) => return Err(e.into()),
        Err(e @ TemplateError::TooMany) => return Err(AppError::internal(e)),
    };
    let notice = Some((here.t.get("quick_reply.filled").to_owned(), false));
    here.page(StatusCode::OK, Typed { notice, ..typed(text, Some(id)) }).await
}

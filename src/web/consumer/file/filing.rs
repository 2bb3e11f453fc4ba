//! Sending the complaint form, step by step: read what was sent, count it
//! against the address, check it, keep its files, file the complaint, and
//! answer. A step that refuses says why ([`Again`]), and the form is shown
//! again with everything typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Duration;
use serde::Deserialize;

use super::{Shown, page};
use crate::domain::complaint::{ComplaintForm, FieldErrors, NewComplaint};
use crate::error::{AppError, Cause};
use crate::i18n::Lang;
use crate::service::complaints::{self, Intake, Submitted};
use crate::service::evidence::{EvidenceError, Stored, Upload};
use crate::web::AppState;
use crate::web::consumer::Limited;
use crate::web::evidence::{keep, message, refused};
use crate::web::form::{CsrfUpload, Forged, Posted};
use crate::web::limit::{self, Scope};
use crate::web::page::PageCtx;
use crate::web::refusal::{Refusal, Refuse};

/// The complaint form as it is sent: the complaint's fields, the merchant
/// search box and, when it was pressed, the search's button.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ComplaintFields {
    #[serde(flatten)]
    complaint: ComplaintForm,
    merchant_q: String,
    find: String,
}

/// What was sent, kept to show the form again.
struct Sent {
    typed: ComplaintForm,
    q: String,
    /// The merchant search's button: the form again, with what was found.
    find: bool,
    forged: bool,
    /// Shown again, the form cannot keep the files: they need choosing again.
    had_files: bool,
}

/// Why the form is shown again rather than the complaint filed.
enum Again {
    Forged,
    Find,
    Limited(Limited),
    /// Fields the domain's rules refuse, or a file refused.
    Invalid {
        errors: FieldErrors,
        file: Option<EvidenceError>,
    },
    /// The service's refusal (the merchant has gone).
    Refused(Refusal),
    /// Nothing was stored: the database cannot be reached just now.
    Unavailable(Cause),
    /// What no form can answer: the error page.
    Error(AppError),
}

impl From<AppError> for Again {
    fn from(e: AppError) -> Again {
        Again::Error(e)
    }
}

#[post("/complaints")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfUpload<ComplaintFields>,
) -> Result<HttpResponse, AppError> {
    let (sent, files) = read(form);
    match file_sent(&state, &req, &sent, files).await {
        Ok(filed) => Ok(filed_answer(&filed)),
        Err(why) => again(&state, &req, sent, why).await,
    }
}

fn read(form: CsrfUpload<ComplaintFields>) -> (Sent, Vec<Upload>) {
    let (forged, Posted { fields, files }) = match form.checked() {
        Ok(posted) => (false, posted),
        Err(Forged(posted)) => (true, posted),
    };
    let ComplaintFields { complaint, merchant_q, find } = fields;
    let sent = Sent { typed: complaint, q: merchant_q, find: find == "merchant", forged, had_files: !files.is_empty() };
    (sent, files)
}

/// The steps from the form sent to the complaint filed.
async fn file_sent(state: &AppState, req: &HttpRequest, sent: &Sent, files: Vec<Upload>) -> Result<Submitted, Again> {
    if sent.forged {
        return Err(Again::Forged);
    }
    if sent.find {
        return Err(Again::Find);
    }
    // Every complaint sent counts against its address, valid or not.
    Limited::check(state, req, Scope::Complaints).map_err(Again::Limited)?;
    let complaint = checked(&sent.typed, &files)?;
    let stored =
        keep(state, files).await?.map_err(|e| Again::Invalid { errors: FieldErrors::default(), file: Some(e) })?;
    file(state, PageCtx::new(req).t.lang(), complaint, stored).await
}

/// The complaint as the domain's rules take it. A file's kind is told by
/// its first bytes: one of another kind is refused with the form, before
/// any work is done on the rest.
fn checked(typed: &ComplaintForm, files: &[Upload]) -> Result<NewComplaint, Again> {
    match (typed.validate(), refused(files)) {
        (Ok(complaint), None) => Ok(complaint),
        (Ok(_), file @ Some(_)) => Err(Again::Invalid { errors: FieldErrors::default(), file }),
        (Err(errors), file) => Err(Again::Invalid { errors, file }),
    }
}

/// Files the complaint and its files' rows, in one of the writer's
/// transactions.
async fn file(state: &AppState, lang: Lang, complaint: NewComplaint, stored: Vec<Stored>) -> Result<Submitted, Again> {
    let (clock, config) = (state.clock.clone(), state.config.clone());
    let filed = state
        .write(move |conn| {
            let intake = Intake { config: &config, now: clock.now(), lang };
            // A refusal has stored nothing; a database error rolls back.
            complaints::file(conn, &intake, &complaint, &stored).map(Ok).or_else(|e| e.refusal().map(Err))
        })
        .await;
    match filed {
        Ok(Ok(filed)) => Ok(filed),
        Ok(Err(refusal)) => Err(Again::Refused(refusal)),
        Err(AppError::Unavailable(cause)) => Err(Again::Unavailable(cause)),
        Err(other) => Err(Again::Error(other)),
    }
}

/// Filed: off to the complaint's tracking page.
fn filed_answer(filed: &Submitted) -> HttpResponse {
    tracing::info!(reference = %filed.reference, "complaint filed");
    HttpResponse::SeeOther().insert_header(("Location", format!("/t/{}?done=filed", filed.token))).finish()
}

/// The form again, everything typed kept, saying `why`.
async fn again(state: &AppState, req: &HttpRequest, sent: Sent, why: Again) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(req).t;
    let evidence = sent.had_files.then(|| t.get("form.evidence_again").to_owned());
    let shown = Shown { typed: sent.typed, q: sent.q, evidence, ..Shown::default() };
    let refused = |refusal: Refusal, shown: Shown| (refusal.status, Shown { refusal: Some(refusal), ..shown });
    let mut retry_after = None;
    let (status, shown) = match why {
        Again::Forged => refused(Refusal { key: "error.csrf", ..Refusal::FORGED }, shown),
        Again::Find => (StatusCode::OK, shown),
        Again::Limited(limited) => {
            retry_after = Some(limited.0);
            refused(limited.refusal(), shown)
        }
        Again::Invalid { errors, file } => {
            let evidence = match file {
                Some(e) => Some(message(&t, e)?),
                None => shown.evidence,
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Shown { errors, evidence, ..shown })
        }
        Again::Refused(refusal) => refused(refusal, shown),
        // Nothing was stored: say so, keep every field, ask again in a
        // few seconds.
        Again::Unavailable(cause) => {
            tracing::warn!(%cause, "complaint not filed: the database is unavailable");
            retry_after = Some(Duration::seconds(5));
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Shown { notice: Some(t.get("error.unavailable_kept").to_owned()), ..shown },
            )
        }
        Again::Error(e) => return Err(e),
    };
    let mut res = page(state, req, status, shown).await?;
    if let Some(wait) = retry_after {
        limit::retry_after(&mut res, wait);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::complaint::Field;

    #[test]
    fn the_form_is_read_by_its_fields_names() {
        // The complaint's fields come first, up to the conversation's.
        let complaint = &Field::ALL[..9];
        assert_eq!(Field::ALL[9], Field::Body);
        let mut sent: serde_json::Map<String, serde_json::Value> =
            complaint.iter().map(|f| (f.slug().to_owned(), f.slug().into())).collect();
        sent.insert("merchant_q".into(), "星河".into());
        sent.insert("find".into(), "merchant".into());
        let read = ComplaintFields::deserialize(serde_json::Value::Object(sent)).unwrap();
        let c = &read.complaint;
        let typed = [
            &c.merchant,
            &c.order_ref,
            &c.category,
            &c.desired_resolution,
            &c.amount,
            &c.description,
            &c.consumer_name,
            &c.consumer_phone,
            &c.consumer_email,
        ];
        for (field, value) in complaint.iter().zip(typed) {
            assert_eq!(field.slug(), value, "read from the field named {}", field.slug());
        }
        assert_eq!((read.merchant_q.as_str(), read.find.as_str()), ("星河", "merchant"));
        let empty = ComplaintFields::deserialize(serde_json::json!({})).unwrap();
        assert_eq!(empty.complaint, ComplaintForm::default(), "a field not sent is empty");
    }
}

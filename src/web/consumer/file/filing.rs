//! Sending the complaint form, step by step: read what was sent, count it
//! against the address, check it, keep its files, file the complaint, and
//! answer. A step that refuses says why ([`Again`]), and the form is shown
//! again with everything typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Duration;
use serde::Deserialize;

use super::{LiveTyped, Shown, page};
use crate::domain::complaint::{self as domain, ComplaintForm, Field, FieldErrors, Invalid, NewComplaint};
use crate::domain::contact::{Phone, VerifyPhone};
use crate::domain::verification::{Code, Purpose};
use crate::error::{AppError, Cause};
use crate::i18n::Lang;
use crate::service::complaints::{self, Intake, PhoneProof, Submitted};
use crate::service::evidence::{EvidenceError, Stored, Upload};
use crate::service::verification::{self, Ask, CodeKey};
use crate::web::AppState;
use crate::web::consumer::Limited;
use crate::web::evidence::{keep, message, refused};
use crate::web::form::{CsrfUpload, Forged, Posted};
use crate::web::limit::{self, Scope};
use crate::web::page::PageCtx;
use crate::web::refusal::{self, PHONE_CODE, Refusal, Refuse};

/// The complaint form as it is sent: the complaint's fields, the merchant
/// search box and, when it was pressed, the search's button.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ComplaintFields {
    #[serde(flatten)]
    complaint: ComplaintForm,
    merchant_q: String,
    find: String,
    /// The code sent to the phone number, to prove it (optional unless
    /// `REDRESS_VERIFY_PHONE=required`).
    phone_code: String,
    /// The product and the live session named (optional ids).
    product: String,
    live_session: String,
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
    phone_code: String,
    live: LiveTyped,
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
    /// The service's refusal (the merchant has gone, the code is wrong).
    Refused(Refusal),
    /// Too many codes asked for: the refusal, and how long to wait.
    Busy(Refusal, Duration),
    /// A code was sent to the number, masked here.
    CodeSent(String),
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
    let ComplaintFields { complaint, merchant_q, find, phone_code, product, live_session } = fields;
    let had_files = !files.is_empty();
    // "Find the merchant" and "show its products and sessions": the form
    // again, filled in.
    let find = find == "merchant" || find == "products";
    let live = LiveTyped { product, live_session };
    let sent = Sent { typed: complaint, q: merchant_q, find, forged, had_files, phone_code, live };
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
    let complaint = checked(&sent.typed, &sent.live, &files)?;
    let code = proof(state.config.verify_phone, &sent.phone_code, &complaint)?;
    let stored =
        keep(state, files).await?.map_err(|e| Again::Invalid { errors: FieldErrors::default(), file: Some(e) })?;
    file(state, PageCtx::new(req).t.lang(), complaint, stored, code).await
}

/// The code that is to prove the complaint's phone number, if one must or
/// was typed: `required` wants a number and its code; `optional` takes a
/// code if one was typed; `off` offers no code field (one sent anyway is
/// not read).
fn proof(verify: VerifyPhone, typed: &str, complaint: &NewComplaint) -> Result<Option<Code>, Again> {
    let refuse = |key| Err(Again::Refused(Refusal::unprocessable(key).at(PHONE_CODE)));
    match (verify, typed.trim(), &complaint.consumer_phone) {
        (VerifyPhone::Off, _, _) => Ok(None),
        (VerifyPhone::Required, "", _) | (VerifyPhone::Required, _, None) => refuse("verify.required"),
        (VerifyPhone::Optional, "", _) => Ok(None),
        (_, _, None) => refuse("verify.phone_needed"),
        (_, typed, Some(_)) => Code::parse(typed).map(Some).ok_or(()).or_else(|()| refuse("verify.code_format")),
    }
}

/// `/complaints/code`: the form's "send code" button. Sends a code to the
/// phone number typed and shows the form again, everything typed kept
/// (but the files: a file input keeps nothing, and the form says so).
#[post("/complaints/code")]
pub async fn send_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfUpload<ComplaintFields>,
) -> Result<HttpResponse, AppError> {
    let (sent, _files) = read(form);
    let why = match ask_code(&state, &req, &sent).await {
        Ok(masked) => Again::CodeSent(masked),
        Err(why) => why,
    };
    again(&state, &req, sent, why).await
}

async fn ask_code(state: &AppState, req: &HttpRequest, sent: &Sent) -> Result<String, Again> {
    if sent.forged {
        return Err(Again::Forged);
    }
    if !state.config.verify_phone.is_on() {
        return Err(Again::Refused(Refusal::unprocessable("verify.off")));
    }
    let phone = match sent.typed.consumer_phone.trim() {
        "" => Err(Refusal::unprocessable("verify.phone_needed").at(Field::ConsumerPhone.slug())),
        raw => Phone::parse(raw).ok_or(Refusal::invalid(Invalid::Phone).at(Field::ConsumerPhone.slug())),
    }
    .map_err(Again::Refused)?;
    let masked = Phone::masked(phone.as_str());
    let key = CodeKey::derive(state.session_key.master());
    let (address, lang, now) = (state.limiter.client(req).to_string(), PageCtx::new(req).t.lang(), state.clock.now());
    let sent = state
        .db(move |conn| {
            let ask = Ask { phone: &phone, purpose: Purpose::Complaint, address: &address, lang };
            verification::send(conn, &key, &ask, now).map(|_| Ok(())).or_else(|e| refusal::busy(e).map(Err))
        })
        .await;
    match sent {
        Ok(Ok(())) => Ok(masked),
        Ok(Err((refusal, wait))) => Err(Again::Busy(refusal.at(PHONE_CODE), wait)),
        Err(AppError::Unavailable(cause)) => Err(Again::Unavailable(cause)),
        Err(other) => Err(Again::Error(other)),
    }
}

/// The complaint as the domain's rules take it. A file's kind is told by
/// its first bytes: one of another kind is refused with the form, before
/// any work is done on the rest.
fn checked(typed: &ComplaintForm, live: &LiveTyped, files: &[Upload]) -> Result<NewComplaint, Again> {
    let mut live_errors = FieldErrors::default();
    let (product_id, live_session_id) = domain::live_ids(&live.product, &live.live_session, &mut live_errors);
    let validated = match typed.validate() {
        Ok(c) if live_errors.is_empty() => Ok(NewComplaint { product_id, live_session_id, ..c }),
        Ok(_) => Err(live_errors),
        Err(mut errors) => {
            errors.0.extend(live_errors.0);
            Err(errors)
        }
    };
    match (validated, refused(files)) {
        (Ok(complaint), None) => Ok(complaint),
        (Ok(_), file @ Some(_)) => Err(Again::Invalid { errors: FieldErrors::default(), file }),
        (Err(errors), file) => Err(Again::Invalid { errors, file }),
    }
}

/// Files the complaint and its files' rows, in one of the writer's
/// transactions.
async fn file(
    state: &AppState,
    lang: Lang,
    complaint: NewComplaint,
    stored: Vec<Stored>,
    code: Option<Code>,
) -> Result<Submitted, Again> {
    let (clock, config) = (state.clock.clone(), state.config.clone());
    let key = CodeKey::derive(state.session_key.master());
    let filed = state
        .write(move |conn| {
            let intake = Intake { config: &config, now: clock.now(), lang };
            let proof = code.as_ref().map(|code| PhoneProof { key: &key, code });
            // A refusal has stored nothing but a code's counted try, which
            // it keeps; a database error rolls back.
            complaints::file_proved(conn, &intake, &complaint, &stored, proof).map(Ok).or_else(|e| e.refusal().map(Err))
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
    let shown = Shown {
        typed: sent.typed,
        q: sent.q,
        evidence,
        phone_code: sent.phone_code,
        live: sent.live,
        ..Shown::default()
    };
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
        Again::Busy(refusal, wait) => {
            retry_after = Some(wait);
            refused(refusal, shown)
        }
        Again::CodeSent(masked) => {
            let said = t.fmt("verify.sent", &[("phone", &masked)]);
            (StatusCode::OK, Shown { code_sent: Some(said), ..shown })
        }
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

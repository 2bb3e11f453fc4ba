//! Sending the report form: read it, count it against the address, check
//! it, keep its screenshot, make the report, and answer: 303 to the
//! reference, or the form again with everything typed and why.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{Shown, page};
use crate::domain::evidence::Kind;
use crate::domain::field::FieldErrors;
use crate::domain::report::{NewReport, ReportForm};
use crate::error::{AppError, Cause};
use crate::i18n::Lang;
use crate::service::evidence::{EvidenceError, Stored, Upload, shown};
use crate::service::reports::{self, Made, Taken};
use crate::web::AppState;
use crate::web::consumer::Limited;
use crate::web::evidence::{keep, message};
use crate::web::form::{CsrfScreenshot, Forged, Posted};
use crate::web::limit::{self, Scope};
use crate::web::page::PageCtx;
use crate::web::refusal::{Refusal, Refuse};

/// The report form as sent: the report's fields and, when it was pressed,
/// the merchant search's button.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportFields {
    #[serde(flatten)]
    report: ReportForm,
    merchant_q: String,
}

/// Why the form is shown again rather than the report made.
enum Again {
    Forged,
    Limited(Limited),
    Invalid(FieldErrors),
    /// The screenshot refused: not an image, or more than one, or one that
    /// cannot be read or is too large.
    Screenshot(Option<EvidenceError>),
    /// The service's refusal (the room is not the merchant's …).
    Refused(Refusal),
    /// Nothing was stored: the database cannot be reached just now.
    Unavailable(Cause),
    Error(AppError),
}

impl From<AppError> for Again {
    fn from(e: AppError) -> Again {
        match e {
            AppError::Unavailable(cause) => Again::Unavailable(cause),
            e => Again::Error(e),
        }
    }
}

#[post("/report")]
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfScreenshot<ReportFields>,
) -> Result<HttpResponse, AppError> {
    let (forged, Posted { fields, files }) = match form.checked() {
        Ok(posted) => (false, posted),
        Err(Forged(posted)) => (true, posted),
    };
    let had_file = !files.is_empty();
    let made = if forged { Err(Again::Forged) } else { make(&state, &req, &fields.report, files).await };
    match made {
        Ok(made) => {
            tracing::info!(reference = %made.reference, high_risk = made.high_risk, "report made");
            let to = format!("/report/thanks?ref={}", made.reference);
            Ok(HttpResponse::SeeOther().insert_header(("Location", to)).finish())
        }
        Err(why) => again(&state, &req, fields, had_file, why).await,
    }
}

/// The steps from the form sent to the report made.
async fn make(state: &AppState, req: &HttpRequest, typed: &ReportForm, files: Vec<Upload>) -> Result<Made, Again> {
    // Every report sent counts against its address, valid or not.
    Limited::check(state, req, Scope::Reports).map_err(Again::Limited)?;
    let report = typed.validate(state.config.tz, state.clock.now()).map_err(Again::Invalid)?;
    let screenshot = screenshot(state, files).await?;
    let lang = PageCtx::new(req).t.lang();
    made(state, lang, report, screenshot).await
}

/// The screenshot, if one was sent: one file at most, an image by its
/// first bytes (a PDF is evidence, not a screenshot), checked and made
/// anew like evidence, and kept.
async fn screenshot(state: &AppState, mut files: Vec<Upload>) -> Result<Option<Stored>, Again> {
    if files.len() > 1 {
        return Err(Again::Screenshot(None));
    }
    let Some(file) = files.pop() else { return Ok(None) };
    if !Kind::sniff(&file.bytes).is_some_and(Kind::is_image) {
        return Err(Again::Screenshot(Some(EvidenceError::Kind(shown(&file.name)))));
    }
    let mut kept = keep(state, vec![file]).await?.map_err(|e| Again::Screenshot(Some(e)))?;
    Ok(kept.pop())
}

/// Makes the report, in one of the writer's transactions.
async fn made(state: &AppState, lang: Lang, report: NewReport, screenshot: Option<Stored>) -> Result<Made, Again> {
    let (clock, config) = (state.clock.clone(), state.config.clone());
    let made = state
        .write(move |conn| {
            let at = Taken { config: &config, now: clock.now(), lang };
            // A refusal stores nothing; the caller answers with the form.
            match reports::make(conn, &at, &report, screenshot.as_ref()) {
                Ok(made) => Ok(Ok(made)),
                Err(reports::ReportError::Db(e)) => Err(e.into()),
                Err(e) => Ok(Err(e)),
            }
        })
        .await?;
    made.map_err(|e| match e.refusal() {
        Ok(refusal) => Again::Refused(refusal),
        Err(e) => Again::Error(e),
    })
}

/// The form again, everything typed kept, saying `why`.
async fn again(
    state: &AppState,
    req: &HttpRequest,
    fields: ReportFields,
    had_file: bool,
    why: Again,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(req).t;
    let screenshot = had_file.then(|| t.get("report.screenshot_again").to_owned());
    let shown = Shown { typed: fields.report, q: fields.merchant_q, screenshot, ..Shown::default() };
    let mut retry_after = None;
    let refused = |refusal: Refusal, shown: Shown| (refusal.status, Shown { refusal: Some(refusal), ..shown });
    let (status, shown) = match why {
        Again::Forged => refused(Refusal { key: "error.csrf", ..Refusal::FORGED }, shown),
        Again::Limited(limited) => {
            retry_after = Some(limited.0);
            refused(limited.refusal(), shown)
        }
        Again::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Shown { errors, ..shown }),
        Again::Screenshot(file) => {
            let said = match file {
                // A screenshot is an image: the evidence's words would offer a PDF.
                Some(EvidenceError::Kind(name)) => t.fmt("report.screenshot_kind", &[("name", &name)]),
                Some(e) => message(&t, e)?,
                None => t.get("report.screenshot_one").to_owned(),
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Shown { screenshot: Some(said), ..shown })
        }
        Again::Refused(refusal) => refused(refusal, shown),
        Again::Unavailable(cause) => {
            tracing::warn!(%cause, "report not made: the database is unavailable");
            retry_after = Some(chrono::Duration::seconds(5));
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

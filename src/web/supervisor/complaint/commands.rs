//! Claim, release, rule or dismiss a high-risk flag: one form each, posted to
//! `/supervisor/complaints/{reference}/{command}`, each command with its
//! audit entry in one transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{Typed, page};
use crate::domain::audit::AuditKind;
use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::conversation::consumer_message;
use crate::domain::relief::Relief;
use crate::domain::state::Outcome;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::conversation::At;
use crate::service::supervision::{self as service, SuperviseError};
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::page::PageCtx;
use crate::web::path::Reference;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::relief_form::ReliefFields;
use crate::web::supervisor::with_audit;

/// What a supervisor does with a complaint: the route's last segment (any
/// other is not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    Claim,
    Release,
    Rule,
    /// Dismiss the complaint's high-risk flag, with a reason.
    Dismiss,
}

impl Command {
    /// Which `supervisor.done_…` notice the page shows once it is done.
    fn done(self) -> &'static str {
        match self {
            Command::Claim => "claimed",
            Command::Release => "released",
            Command::Rule => "ruled",
            Command::Dismiss => "risk_dismissed",
        }
    }
}

/// The forms' fields: the ruling's outcome and text, a dismissal's reason
/// (claiming and releasing send none).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommandFields {
    outcome: String,
    body: String,
    reason: String,
    relief: String,
    relief_amount: String,
    compensation: String,
}

impl CommandFields {
    fn relief(&self) -> ReliefFields {
        let (relief, relief_amount, compensation) =
            (self.relief.clone(), self.relief_amount.clone(), self.compensation.clone());
        ReliefFields { relief, relief_amount, compensation }
    }
}

impl From<CommandFields> for Typed {
    fn from(fields: CommandFields) -> Typed {
        let relief = fields.relief();
        Typed { outcome: fields.outcome, body: fields.body, reason: fields.reason, relief, ..Typed::default() }
    }
}

#[post("/supervisor/complaints/{reference}/{command}")]
pub async fn act(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(Reference, Command)>,
    form: CsrfForm<CommandFields>,
) -> Result<HttpResponse, AppError> {
    let (reference, command) = path.into_inner();
    let t = PageCtx::new(&req).t;
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => {
            let notice = (Refusal::FORGED.status, Refusal::FORGED.message(&t));
            return refused(&state, &req, &who, reference, notice, posted.fields.into()).await;
        }
    };
    match perform(&state, &req, &who, &reference, command, &fields).await? {
        Ok(()) => Ok(back(&reference, command.done())),
        Err(Failed::Invalid(errors)) => {
            let typed = Typed { errors, ..fields.into() };
            page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
        Err(Failed::Refused(e)) => refused(&state, &req, &who, reference, notice(&t, e)?, fields.into()).await,
    }
}

/// Why a command was not carried out.
enum Failed {
    /// The ruling as typed is not valid.
    Invalid(FieldErrors),
    Refused(SuperviseError),
}

/// Carries out `command` on the complaint.
async fn perform(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    reference: &Reference,
    command: Command,
    fields: &CommandFields,
) -> Result<Result<(), Failed>, AppError> {
    let done = match command {
        Command::Claim => run(state, req, who, reference, (AuditKind::Claimed, ""), service::claim).await?,
        Command::Release => run(state, req, who, reference, (AuditKind::Released, ""), release).await?,
        Command::Rule => {
            let (outcome, relief, ruling) = match ruling(&fields.outcome, &fields.body, &fields.relief()) {
                Ok(ruled) => ruled,
                Err(errors) => return Ok(Err(Failed::Invalid(errors))),
            };
            let rule = move |conn: &mut DbConnection, reference: &str, user_id, at: At<'_>| {
                service::rule(conn, reference, user_id, (outcome, relief), &ruling, at)
            };
            run(state, req, who, reference, (AuditKind::Ruling, outcome.slug()), rule).await?
        }
        Command::Dismiss => {
            let reason = match crate::domain::risk::form::reason(&fields.reason) {
                Ok(reason) => reason,
                Err(errors) => return Ok(Err(Failed::Invalid(errors))),
            };
            let detail = crate::domain::audit::bounded(&reason);
            let dismiss = move |conn: &mut DbConnection, reference: &str, user_id, at: At<'_>| {
                service::dismiss_risk(conn, reference, user_id, &reason, at)
            };
            run(state, req, who, reference, (AuditKind::RiskDismissed, &detail), dismiss).await?
        }
    };
    Ok(done.map_err(Failed::Refused))
}

/// Releasing, in the shape of the other commands (it needs no time).
fn release(conn: &mut DbConnection, reference: &str, user_id: i64, _: At<'_>) -> Result<(), SuperviseError> {
    service::release(conn, reference, user_id)
}

/// A ruling as typed, checked: its outcome, the relief it gives (`None`:
/// what the outcome gives by default) and its text (a single complaint's
/// and a collective case's alike).
pub fn ruling(outcome: &str, body: &str, relief: &ReliefFields) -> Result<Ruling, FieldErrors> {
    let parsed = Outcome::from_slug(outcome.trim());
    match (parsed, relief.form().validate(parsed), consumer_message(body)) {
        (Some(outcome), Ok(relief), Ok(ruling)) => Ok((outcome, relief, ruling)),
        (parsed, relief, ruling) => {
            let mut errors = ruling.err().unwrap_or_default();
            if parsed.is_none() {
                let why = if outcome.trim().is_empty() { Invalid::Required } else { Invalid::UnknownChoice };
                errors.add(Field::Resolution, why);
            }
            for (field, why) in relief.err().unwrap_or_default().0 {
                errors.add(field, why);
            }
            Err(errors)
        }
    }
}

/// A ruling checked: its outcome, relief and text.
pub type Ruling = (Outcome, Option<Relief>, String);

/// Runs `command` (a service call, given the complaint's reference, the
/// supervisor and the time) with its audit entry, in one transaction.
async fn run<F>(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    reference: &Reference,
    (kind, detail): (AuditKind, &str),
    command: F,
) -> Result<Result<(), SuperviseError>, AppError>
where
    F: FnOnce(&mut DbConnection, &str, i64, At<'_>) -> Result<(), SuperviseError> + Send + 'static,
{
    let (config, user_id, reference) = (state.config.clone(), who.0.user_id, reference.clone());
    let subject = format!("complaint {reference}");
    let write = move |conn: &mut _, now| command(conn, &reference, user_id, At { config: &config, now });
    with_audit(state, req, who, (kind, detail.to_owned()), write, move |()| subject).await
}

/// What a refused command says: its refusal's message, naming the
/// supervisor who holds the complaint when that is why.
fn notice(t: &Tr, e: SuperviseError) -> Result<(StatusCode, String), AppError> {
    let holder = match &e {
        SuperviseError::HeldBy(email) => Some(email.clone()),
        SuperviseError::NotEscalated | SuperviseError::NotFlagged | SuperviseError::Act(_) => None,
    };
    let refusal = e.refusal()?;
    let message = match holder {
        Some(who) => t.fmt(refusal.key, &[("who", &who)]),
        None => refusal.message(t),
    };
    Ok((refusal.status, message))
}

/// The page again with `message` as an error notice, the form as typed.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    reference: Reference,
    (status, message): (StatusCode, String),
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    page(state, req, who, reference, status, Typed { notice: Some((message, true)), ..typed }).await
}

fn back(reference: &Reference, done: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", format!("/supervisor/complaints/{reference}?done={done}")))
        .finish()
}

//! `POST /supervisor/incidents/{id}`: what a supervisor does with an
//! incident — make it a collective case (`act=collective`), add complaints
//! to it (`act=add`: `references` typed, or `complaint` ticked among those
//! found), take one out (`act=remove`, `complaint`), rule once for all
//! (`outcome` + `body`, as a single ruling; `act=rule` or no `act`),
//! dismiss it (`act=dismiss`, `reason`), or take a measure on its product,
//! room or host (`act=measure`, `target`, `thing`, `measure`, `reason`,
//! through the same service as the thing's own page). Each with its audit
//! entry in one transaction; the page again, as typed, when refused.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::incidents::page;
use crate::domain::audit::{AuditKind, bounded};
use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::live::Target;
use crate::error::AppError;
use crate::service::catch_up::{ActError, At};
use crate::service::incidents::case::{self, CaseError};
use crate::service::incidents::record;
use crate::service::review::{self, ReviewError};
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::form::{self, CsrfListForm, Forged};
use crate::web::notice::CaseAct;
use crate::web::page::PageCtx;
use crate::web::path::IncidentId;
use crate::web::refusal::Refusal;
use crate::web::session::Supervisor;
use crate::web::supervisor::relief_form::ReliefFields;
use crate::web::supervisor::with_audit;

/// At most this many complaints added by one form.
pub const ADD_AT_MOST: usize = 200;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseFields {
    act: String,
    /// Complaints ticked (to add), or the one to remove.
    #[serde(deserialize_with = "form::list")]
    complaint: Vec<String>,
    /// References or order numbers typed, one per line (or separated by
    /// spaces or commas).
    references: String,
    outcome: String,
    body: String,
    reason: String,
    relief: String,
    relief_amount: String,
    compensation: String,
    /// A measure: `product`, `room` or `host`, its id, and the measure.
    target: String,
    thing: String,
    measure: String,
}

/// What the page keeps of a refused form, and its notice.
#[derive(Default)]
pub struct Typed {
    pub references: String,
    pub outcome: String,
    pub body: String,
    pub reason: String,
    pub measure_reason: String,
    pub relief: ReliefFields,
    pub errors: FieldErrors,
    pub notice: Option<(String, bool)>,
}

impl CaseFields {
    fn relief(&self) -> ReliefFields {
        let (relief, relief_amount, compensation) =
            (self.relief.clone(), self.relief_amount.clone(), self.compensation.clone());
        ReliefFields { relief, relief_amount, compensation }
    }
}

impl From<&CaseFields> for Typed {
    fn from(f: &CaseFields) -> Typed {
        let measure = f.act.trim() == CaseAct::Measure.slug();
        Typed {
            references: f.references.clone(),
            outcome: f.outcome.clone(),
            body: f.body.clone(),
            reason: if measure { String::new() } else { f.reason.clone() },
            measure_reason: if measure { f.reason.clone() } else { String::new() },
            relief: f.relief(),
            ..Typed::default()
        }
    }
}

#[post("/supervisor/incidents/{id}")]
pub async fn decide(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<IncidentId>,
    form: CsrfListForm<CaseFields>,
) -> Result<HttpResponse, AppError> {
    let (id, t) = (id.into_inner().0, PageCtx::new(&req).t);
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => {
            let notice = Some((Refusal::FORGED.message(&t), true));
            return page(&state, &req, id, Refusal::FORGED.status, Typed { notice, ..(&posted.fields).into() }).await;
        }
    };
    // A ruling posted as on a single complaint's page (no `act`) is one.
    let act = match fields.act.trim() {
        "" => Some(CaseAct::Rule),
        slug => CaseAct::from_slug(slug),
    };
    let Some(act) = act else { return Err(AppError::BadRequest("no such act")) };
    match perform(&state, &req, &who, id, act, &fields).await? {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/incidents/{id}?done={}", act.slug())))
            .finish()),
        Err(Failed::Invalid(errors)) => {
            let typed = Typed { errors, ..(&fields).into() };
            page(&state, &req, id, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
        Err(Failed::Refused(status, message)) => {
            let typed = Typed { notice: Some((message, true)), ..(&fields).into() };
            page(&state, &req, id, status, typed).await
        }
    }
}

/// Why an act was not carried out.
enum Failed {
    Invalid(FieldErrors),
    Refused(StatusCode, String),
}

async fn perform(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    id: i64,
    act: CaseAct,
    fields: &CaseFields,
) -> Result<Result<(), Failed>, AppError> {
    let t = PageCtx::new(req).t;
    let (config, by) = (state.config.clone(), who.0.user_id);
    let subject = move |_: &_| format!("incident {id}");
    let result = match act {
        CaseAct::Collective => {
            let entry = (AuditKind::CaseMade, String::new());
            let write =
                move |conn: &mut DbConnection, now| case::make_collective(conn, id, by, At { config: &config, now });
            with_audit(state, req, who, entry, write, subject).await?
        }
        CaseAct::Add => {
            let references = match references(&t, fields) {
                Ok(r) => r,
                Err(failed) => return Ok(Err(failed)),
            };
            let entry = (AuditKind::CaseChanged, bounded(&format!("+ {}", references.join(" "))));
            let write = move |conn: &mut DbConnection, now| {
                case::add(conn, id, &references, by, At { config: &config, now }).map(drop)
            };
            with_audit(state, req, who, entry, write, subject).await?
        }
        CaseAct::Remove => {
            let Some(reference) = fields.complaint.first().and_then(|r| normal(r)) else {
                return Err(AppError::BadRequest("no complaint to remove"));
            };
            let entry = (AuditKind::CaseChanged, format!("- {reference}"));
            let write =
                move |conn: &mut DbConnection, now| case::remove(conn, id, &reference, by, At { config: &config, now });
            with_audit(state, req, who, entry, write, subject).await?
        }
        CaseAct::Rule => {
            let (outcome, relief, body) =
                match super::complaint::ruling(&fields.outcome, &fields.body, &fields.relief()) {
                    Ok(ruled) => ruled,
                    Err(errors) => return Ok(Err(Failed::Invalid(errors))),
                };
            let entry = (AuditKind::CaseRuled, outcome.slug().to_owned());
            let write = move |conn: &mut DbConnection, now| {
                case::rule(conn, id, (outcome, relief), &body, by, At { config: &config, now }).map(drop)
            };
            with_audit(state, req, who, entry, write, subject).await?
        }
        CaseAct::Dismiss => {
            let reason = match crate::domain::risk::form::reason(&fields.reason) {
                Ok(reason) => reason,
                Err(errors) => return Ok(Err(Failed::Invalid(errors))),
            };
            let entry = (AuditKind::IncidentDismissed, bounded(&reason));
            let write =
                move |conn: &mut DbConnection, now| case::dismiss(conn, id, &reason, by, At { config: &config, now });
            with_audit(state, req, who, entry, write, subject).await?
        }
        CaseAct::Measure => return measure(state, req, who, id, fields).await,
    };
    Ok(match result {
        Ok(()) => Ok(()),
        Err(e) => {
            let (status, message) = refusal(&t, e)?;
            Err(Failed::Refused(status, message))
        }
    })
}

/// A refusal's status and message; not found and database errors are the
/// caller's.
fn refusal(t: &crate::i18n::Tr, e: CaseError) -> Result<(StatusCode, String), AppError> {
    let (status, key, reference) = match e {
        CaseError::NotFound => return Err(AppError::NotFound),
        CaseError::Act(ActError::Db(e)) => return Err(e.into()),
        CaseError::Act(ActError::NotFound) => return Err(AppError::NotFound),
        CaseError::Closed => (StatusCode::CONFLICT, "case.error_closed", None),
        CaseError::Empty => (StatusCode::CONFLICT, "case.error_empty", None),
        CaseError::Act(_) => (StatusCode::CONFLICT, "case.error_changed", None),
        CaseError::NoComplaint(r) => (StatusCode::UNPROCESSABLE_ENTITY, "case.error_no_complaint", Some(r)),
        CaseError::OtherMerchant(r) => (StatusCode::UNPROCESSABLE_ENTITY, "case.error_other_merchant", Some(r)),
        CaseError::Finished(r) => (StatusCode::UNPROCESSABLE_ENTITY, "case.error_finished", Some(r)),
        CaseError::Member(r) => (StatusCode::UNPROCESSABLE_ENTITY, "case.error_member", Some(r)),
        CaseError::NotMember(r) => (StatusCode::UNPROCESSABLE_ENTITY, "case.error_not_member", Some(r)),
    };
    Ok((status, t.fmt(key, &[("reference", &reference.unwrap_or_default())])))
}

/// A reference as typed (spaces, lower case), or none if it is none.
fn normal(raw: &str) -> Option<String> {
    crate::domain::reference::normalise(raw)
}

/// The complaints to add: those ticked and those typed, each once, in
/// that order; at least one, at most [`ADD_AT_MOST`], each a reference.
fn references(t: &crate::i18n::Tr, fields: &CaseFields) -> Result<Vec<String>, Failed> {
    let mut errors = FieldErrors::default();
    let typed = fields.references.split(|c: char| c.is_whitespace() || ",，、;；".contains(c));
    let mut out: Vec<String> = Vec::new();
    for raw in fields.complaint.iter().map(String::as_str).chain(typed).filter(|r| !r.trim().is_empty()) {
        match normal(raw) {
            Some(r) if !out.contains(&r) => out.push(r),
            Some(_) => {}
            None => {
                errors.add(Field::References, Invalid::UnknownChoice);
                return Err(Failed::Invalid(errors));
            }
        }
    }
    if out.is_empty() {
        errors.add(Field::References, Invalid::Required);
        return Err(Failed::Invalid(errors));
    }
    if out.len() > ADD_AT_MOST {
        let message = t.fmt("case.error_too_many", &[("n", &ADD_AT_MOST)]);
        return Err(Failed::Refused(StatusCode::UNPROCESSABLE_ENTITY, message));
    }
    Ok(out)
}

/// A measure on the incident's product, room or host, taken through the
/// thing's own service (the merchant told, appealable), its reason naming
/// the incident; only on what the incident is about.
async fn measure(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    id: i64,
    fields: &CaseFields,
) -> Result<Result<(), Failed>, AppError> {
    let t = PageCtx::new(req).t;
    let target = Target::from_slug(fields.target.trim()).filter(|t| *t != Target::Merchant);
    let (Some(target), Ok(thing)) = (target, fields.thing.trim().parse::<i64>()) else {
        return Err(AppError::BadRequest("no such thing"));
    };
    let (config, by, choice) = (state.config.clone(), who.0.user_id, fields.measure.trim().to_owned());
    let reason = fields.reason.trim().to_owned();
    let why = if reason.is_empty() {
        String::new()
    } else {
        t.fmt("case.measure_reason", &[("id", &id), ("reason", &reason)])
    };
    let entry = (AuditKind::MeasureTaken, bounded(&format!("{choice} {reason}")));
    let write = move |conn: &mut DbConnection, now| -> Result<(), ReviewError> {
        let about = crate::store::incidents::find(conn, id)?.ok_or(ReviewError::NotFound)?;
        // Nested ids: only what this incident leads to.
        if !record::links(conn, about.about())?.iter().any(|l| l.target == target && l.id == thing) {
            return Err(ReviewError::NotFound);
        }
        match target {
            Target::Room => review::room_measure(conn, &config, thing, &choice, &why, by, now).map(drop),
            Target::Host => review::host_measure(conn, &config, thing, &choice, &why, by, now).map(drop),
            _ => review::decide(conn, &config, thing, &choice, &why, by, now).map(drop),
        }
    };
    let subject = move |_: &()| format!("{} {thing}", target.slug());
    match with_audit(state, req, who, entry, write, subject).await? {
        Ok(()) => Ok(Ok(())),
        Err(e) => {
            let (status, key) = super::live::refusal(e)?;
            Ok(Err(Failed::Refused(status, t.get(key).to_owned())))
        }
    }
}

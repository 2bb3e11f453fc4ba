//! The merchant's answers on a complaint's page: a reply (or an internal
//! note, with evidence files for a reply) and a proposal. Each is sent
//! again with what was typed when anything is refused.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::complaint::{Here, Sent, Typed};
use crate::domain::complaint::FieldErrors;
use crate::domain::conversation::{Proposal, ProposalForm, Reply, ReplyForm};
use crate::domain::event::Visibility;
use crate::domain::evidence::Stored;
use crate::error::AppError;
use crate::service::conversation::{self, ActError, At, MerchantActor};
use crate::service::evidence::Upload;
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::evidence::accept;
use crate::web::form::{CsrfUpload, Forged, Posted};
use crate::web::limit::{self, Scope};
use crate::web::path::Reference;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::MerchantStaff;

/// A reply or an internal note, as the form sends it (its files aside).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyFields {
    body: String,
    visibility: String,
}

/// A proposal, as the form sends it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposalFields {
    resolution: String,
    amount: String,
    body: String,
}

/// A form of the page: as the domain reads it, and once it is valid.
trait Answer {
    type Form: Clone + Into<Sent>;
    type Valid;
    fn form(self) -> Self::Form;
    fn validate(form: &Self::Form) -> Result<Self::Valid, FieldErrors>;
}

impl Answer for ReplyFields {
    type Form = ReplyForm;
    type Valid = Reply;
    fn form(self) -> ReplyForm {
        ReplyForm { body: self.body, visibility: self.visibility }
    }
    fn validate(form: &ReplyForm) -> Result<Reply, FieldErrors> {
        form.validate()
    }
}

impl Answer for ProposalFields {
    type Form = ProposalForm;
    type Valid = Proposal;
    fn form(self) -> ProposalForm {
        ProposalForm { resolution: self.resolution, amount: self.amount, body: self.body }
    }
    fn validate(form: &ProposalForm) -> Result<Proposal, FieldErrors> {
        form.validate()
    }
}

type Shown = Result<HttpResponse, AppError>;

#[post("/merchant/complaints/{reference}/reply")]
pub async fn reply(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    form: CsrfUpload<ReplyFields>,
) -> Shown {
    let here = Here::new(&state, &req, &who, reference.into_inner());
    let (message, files, typed) = match admitted(&here, form).await {
        Ok(admitted) => admitted,
        Err(shown) => return shown,
    };
    let stored = match kept(&here, &message, files).await? {
        Ok(stored) => stored,
        Err(why) => {
            let typed = Typed { evidence_error: Some(why), ..typed };
            return here.page(StatusCode::UNPROCESSABLE_ENTITY, typed).await;
        }
    };
    let done = if message.visibility == Visibility::Public { "replied" } else { "noted" };
    // The reply and its files' rows, in one transaction.
    act(&here, done, typed, move |conn, who, reference, at| {
        conversation::merchant_reply(conn, who, reference, &message, &stored, at)
    })
    .await
}

#[post("/merchant/complaints/{reference}/propose")]
pub async fn propose(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    form: CsrfUpload<ProposalFields>,
) -> Shown {
    let here = Here::new(&state, &req, &who, reference.into_inner());
    let (proposal, _, typed) = match admitted(&here, form).await {
        Ok(admitted) => admitted,
        Err(shown) => return shown,
    };
    act(&here, "proposed", typed, move |conn, who, reference, at| {
        conversation::propose(conn, who, reference, &proposal, at)
    })
    .await
}

/// A form whose token matches, whose address is within its pace and whose
/// fields are valid: what it says, its files, and what was typed (to show
/// again if anything is refused); otherwise the page again (403, 429, 422).
async fn admitted<F: Answer>(here: &Here<'_>, form: CsrfUpload<F>) -> Result<(F::Valid, Vec<Upload>, Typed), Shown> {
    let Posted { fields, files } = match form.checked() {
        Ok(posted) => posted,
        Err(Forged(posted)) => {
            return Err(here.refused(Refusal::FORGED, typed(here, posted.fields.form(), &posted.files)).await);
        }
    };
    let form = fields.form();
    let typed = typed(here, form.clone(), &files);
    // Every reply or proposal sent counts against its address, valid or
    // not: a proposal carries a message to the consumer too.
    let (state, req) = (here.state, here.req);
    if let Err(wait) = state.limiter.check(Scope::MerchantReplies, req, state.clock.now()) {
        let notice = Some((here.t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]), true));
        let shown = here.page(StatusCode::TOO_MANY_REQUESTS, Typed { notice, ..typed }).await;
        return Err(shown.map(|mut res| {
            limit::retry_after(&mut res, wait);
            res
        }));
    }
    match F::validate(&form) {
        Ok(valid) => Ok((valid, files, typed)),
        Err(errors) => Err(here.page(StatusCode::UNPROCESSABLE_ENTITY, Typed { errors, ..typed }).await),
    }
}

/// What was typed, to show again.
fn typed(here: &Here<'_>, form: impl Into<Sent>, files: &[Upload]) -> Typed {
    // Shown again, the form cannot keep the files: they need choosing again.
    let again = (!files.is_empty()).then(|| here.t.get("form.evidence_again").to_owned());
    Typed { sent: form.into(), evidence_error: again, ..Typed::default() }
}

/// The files sent with `message`, checked and kept, or what is wrong with
/// them.
async fn kept(here: &Here<'_>, message: &Reply, files: Vec<Upload>) -> Result<Result<Vec<Stored>, String>, AppError> {
    // Files go with what the consumer sees: not with a note.
    if message.visibility == Visibility::Internal && !files.is_empty() {
        return Ok(Err(here.t.get("form.evidence_public_only").to_owned()));
    }
    accept(here.state, &here.t, files).await
}

/// Runs the conversation's step `step` as the signed-in merchant: back to
/// the page with `done`'s message, or the page again with why the
/// complaint's state refused.
async fn act<F>(here: &Here<'_>, done: &str, typed: Typed, step: F) -> Shown
where
    F: FnOnce(&mut DbConnection, MerchantActor, &str, At<'_>) -> Result<(), ActError> + Send + 'static,
{
    let who = MerchantActor { merchant_id: here.who.merchant_id, user_id: here.who.staff.user_id };
    let (reference, clock, config) = (here.reference.clone(), here.state.clock.clone(), here.state.config.clone());
    let result =
        here.state.db(move |conn| Ok(step(conn, who, &reference, At { config: &config, now: clock.now() }))).await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/merchant/complaints/{}?done={done}", here.reference)))
            .finish()),
        Err(e) => here.refused(e.refusal()?, typed).await,
    }
}

//! `/merchant/complaints/{reference}`: one complaint, and the merchant's
//! reply, internal note or proposal.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::category::Resolution;
use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::conversation::{ProposalForm, ReplyForm};
use crate::domain::event::{Viewer, Visibility};
use crate::domain::state::Action;
use crate::error::AppError;
use crate::service::conversation::{self, At, MerchantActor};
use crate::store::complaints as store;
use crate::store::merchants;
use crate::web::complaint_view::ComplaintView;
use crate::web::consumer::Choice;
use crate::web::evidence::{EvidenceView, accept, views};
use crate::web::limit::{self, Scope};
use crate::web::page::{PageCtx, render};
use crate::web::session::MerchantStaff;
use crate::web::view::FieldView;
use crate::web::{AppState, act_notice, csrf, form};

#[derive(Template)]
#[template(path = "merchant/complaint.html")]
struct ComplaintPage {
    ctx: PageCtx,
    c: ComplaintView,
    evidence: Vec<EvidenceView>,
    phone: Option<String>,
    email: Option<String>,
    notice: Option<String>,
    notice_is_error: bool,
    reply_body: FieldView,
    reply_evidence: FieldView,
    internal: bool,
    proposal_resolution: FieldView,
    resolutions: Vec<Choice>,
    proposal_amount: FieldView,
    proposal_body: FieldView,
    can_reply: bool,
    can_propose: bool,
    csrf: String,
}

/// What was typed into the page's forms, and what went wrong.
#[derive(Default)]
struct Typed {
    reply: ReplyForm,
    proposal: ProposalForm,
    errors: FieldErrors,
    /// Which form the errors belong to.
    proposing: bool,
    notice: Option<(String, bool)>,
    /// What is wrong with the files sent with the reply.
    evidence_error: Option<String>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    reference: String,
    status: StatusCode,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let merchant_id = who.merchant_id;
    let (c, merchant, timeline, files) = state
        .db(move |conn| {
            let c = store::find_for_merchant(conn, merchant_id, &reference)?.ok_or(AppError::NotFound)?;
            let merchant = merchants::find(conn, merchant_id)?.ok_or(AppError::NotFound)?;
            let timeline = store::timeline(conn, c.id, Viewer::Merchant)?;
            let files = crate::store::evidence::of(conn, c.id)?;
            Ok((c, merchant.name, timeline, files))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let error = |form_is_proposal: bool, field: Field| {
        (form_is_proposal == typed.proposing)
            .then(|| typed.errors.get(field))
            .flatten()
            .map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]))
    };
    let now = state.clock.now();
    let progress = state.progress_at(&c, now);
    let allowed = |a: Action| progress.state.apply(a).is_ok();
    let page = ComplaintPage {
        evidence: views(&t, &format!("/merchant/complaints/{}", c.reference), &files),
        c: ComplaintView::new(&t, state.config.tz, now, &progress, &c, &merchant, &timeline, Viewer::Merchant),
        phone: c.consumer_phone.clone(),
        email: c.consumer_email.clone(),
        notice: typed.notice.as_ref().map(|(n, _)| n.clone()),
        notice_is_error: typed.notice.as_ref().is_some_and(|(_, e)| *e),
        reply_body: FieldView::new(&t, "reply.body", &typed.reply.body, error(false, Field::Body))
            .with_id("reply-body"),
        reply_evidence: FieldView::new(&t, "form.evidence", "", typed.evidence_error.clone()).with_id("reply-evidence"),
        internal: typed.reply.visibility == Visibility::Internal.slug(),
        proposal_resolution: FieldView::new(
            &t,
            "proposal.resolution",
            &typed.proposal.resolution,
            error(true, Field::Resolution),
        ),
        resolutions: Resolution::ALL
            .iter()
            .map(|r| Choice {
                value: r.slug().into(),
                label: t.get(r.key()).into(),
                selected: r.slug() == typed.proposal.resolution,
            })
            .collect(),
        proposal_amount: FieldView::new(&t, "proposal.amount", &typed.proposal.amount, error(true, Field::Amount))
            .with_id("proposal-amount"),
        proposal_body: FieldView::new(&t, "proposal.body", &typed.proposal.body, error(true, Field::Body))
            .with_id("proposal-body"),
        can_reply: allowed(Action::MerchantReply { public: true }),
        can_propose: allowed(Action::Propose),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/complaints/{reference}")]
pub async fn show(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let notice = query.get("done").and_then(|d| crate::web::notice::MerchantDone::from_slug(d));
    let typed = Typed { notice: notice.map(|d| (t.get(d.key()).to_owned(), false)), ..Typed::default() };
    page(&state, &req, &who, reference.into_inner(), StatusCode::OK, typed).await
}

fn back(reference: &str, done: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", format!("/merchant/complaints/{reference}?done={done}")))
        .finish()
}

/// The reply form and the proposal form share one flow: CSRF, validation,
/// the service, and the page again with what was typed when anything fails.
async fn act(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: String,
    body: web::Payload,
    proposing: bool,
) -> Result<HttpResponse, AppError> {
    let (fields, uploads) = form::read_with_files(&req, body, "evidence").await?;
    let t = PageCtx::new(&req).t;
    // Shown again, the form cannot keep the files: they need choosing again.
    let again = (!uploads.is_empty()).then(|| t.get("form.evidence_again").to_owned());
    let mut typed = Typed { proposing, evidence_error: again, ..Typed::default() };
    if proposing {
        typed.proposal = ProposalForm {
            resolution: fields.get("resolution"),
            amount: fields.get("amount"),
            body: fields.get("body"),
        };
    } else {
        typed.reply = ReplyForm { body: fields.get("body"), visibility: fields.get("visibility") };
    }
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        typed.notice = Some((t.get("error.csrf_action").into(), true));
        return page(&state, &req, &who, reference, StatusCode::FORBIDDEN, typed).await;
    }
    // Every reply or proposal sent counts against its address, valid or
    // not: a proposal carries a message to the consumer too.
    if let Err(wait) = state.limiter.check(Scope::MerchantReplies, &req, state.clock.now()) {
        typed.notice = Some((t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]), true));
        let mut res = page(&state, &req, &who, reference, StatusCode::TOO_MANY_REQUESTS, typed).await?;
        limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    let actor = MerchantActor { merchant_id: who.merchant_id, user_id: who.staff.user_id };
    let (lookup, clock, config) = (reference.clone(), state.clock.clone(), state.config.clone());
    let outcome = if proposing {
        match typed.proposal.validate() {
            Err(errors) => Err(errors),
            Ok(p) => Ok(state
                .db(move |conn| {
                    Ok(conversation::propose(conn, actor, &lookup, &p, At { config: &config, now: clock.now() })
                        .map(|()| "proposed"))
                })
                .await?),
        }
    } else {
        match typed.reply.validate() {
            Err(errors) => Err(errors),
            // Files go with what the consumer sees: not with a note.
            Ok(r) if r.visibility == Visibility::Internal && !uploads.is_empty() => {
                typed.evidence_error = Some(t.get("form.evidence_public_only").to_owned());
                return page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await;
            }
            Ok(r) => {
                let stored = match accept(&state, &t, uploads).await? {
                    Ok(stored) => stored,
                    Err(message) => {
                        typed.evidence_error = Some(message);
                        return page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await;
                    }
                };
                let done = if r.visibility == Visibility::Public { "replied" } else { "noted" };
                Ok(state
                    .db(move |conn| {
                        let at = At { config: &config, now: clock.now() };
                        // The reply and its files' rows, in one transaction.
                        Ok(conversation::merchant_reply(conn, actor, &lookup, &r, &stored, at).map(|()| done))
                    })
                    .await?)
            }
        }
    };
    match outcome {
        Ok(Ok(done)) => Ok(back(&reference, done)),
        Ok(Err(refused)) => {
            typed.notice = Some((t.get(act_notice(refused)?).to_owned(), true));
            page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
        Err(errors) => {
            typed.errors = errors;
            page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
    }
}

#[post("/merchant/complaints/{reference}/reply")]
pub async fn reply(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    act(req, who, state, reference.into_inner(), body, false).await
}

#[post("/merchant/complaints/{reference}/propose")]
pub async fn propose(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    act(req, who, state, reference.into_inner(), body, true).await
}

//! `/merchant/complaints/{reference}`: one complaint, as its merchant sees
//! it, with the forms to answer it (see `answer`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::domain::category::Resolution;
use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::conversation::{ProposalForm, ReplyForm};
use crate::domain::event::{Viewer, Visibility};
use crate::domain::state::Action;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::store::complaints as store;
use crate::store::merchants;
use crate::web::complaint_view::ComplaintView;
use crate::web::consumer::Choice;
use crate::web::evidence::{EvidenceView, views};
use crate::web::merchant::public_response::PublicResponseView;
use crate::web::merchant::quick_reply::QuickReply;
use crate::web::page::{PageCtx, render};
use crate::web::path::Reference;
use crate::web::refusal::Refusal;
use crate::web::session::MerchantStaff;
use crate::web::view::FieldView;
use crate::web::{AppState, csrf};

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
    /// The reply form's template picker (`_quick_reply.html`).
    quick: QuickReply,
    /// The public response to the register, and its form.
    public_response: PublicResponseView,
}

/// Which of the page's forms was sent, as typed.
#[derive(Default)]
pub enum Sent {
    #[default]
    Neither,
    Reply(ReplyForm),
    Proposal(ProposalForm),
}

impl From<ReplyForm> for Sent {
    fn from(form: ReplyForm) -> Sent {
        Sent::Reply(form)
    }
}

impl From<ProposalForm> for Sent {
    fn from(form: ProposalForm) -> Sent {
        Sent::Proposal(form)
    }
}

/// What was typed into the page's forms, and what went wrong.
#[derive(Default)]
pub struct Typed {
    pub sent: Sent,
    /// What is wrong with the fields of the form sent.
    pub errors: FieldErrors,
    pub notice: Option<(String, bool)>,
    /// What is wrong with the files sent with the reply.
    pub evidence_error: Option<String>,
    /// The reply template just filled into the reply form.
    pub template: Option<i64>,
    /// What is wrong with the public response sent.
    pub response_error: Option<String>,
}

/// The complaint a request is about, as the signed-in merchant sees it:
/// it is loaded through the merchant, so another merchant's reference is
/// not found.
pub struct Here<'a> {
    pub state: &'a AppState,
    pub req: &'a HttpRequest,
    pub who: &'a MerchantStaff,
    pub reference: Reference,
    pub t: Tr,
    /// The staff member opening the page (a GET): the first time anyone of
    /// the merchant does, the timeline records it (read receipts).
    pub opening: bool,
}

impl<'a> Here<'a> {
    pub fn new(state: &'a AppState, req: &'a HttpRequest, who: &'a MerchantStaff, reference: Reference) -> Self {
        Here { state, req, who, reference, t: PageCtx::new(req).t, opening: false }
    }

    /// The page with `refusal`'s message over its forms.
    pub async fn refused(&self, refusal: Refusal, typed: Typed) -> Result<HttpResponse, AppError> {
        let notice = Some((refusal.message(&self.t), true));
        self.page(refusal.status, Typed { notice, ..typed }).await
    }

    pub async fn page(&self, status: StatusCode, typed: Typed) -> Result<HttpResponse, AppError> {
        let (merchant_id, reference) = (self.who.merchant_id, self.reference.clone());
        let opened = self.opening.then_some((self.who.staff.user_id, self.state.clock.now()));
        let (c, merchant, timeline, files, (named, templates, entry)) = self
            .state
            .db(move |conn| {
                let c = store::find_for_merchant(conn, merchant_id, &reference)?.ok_or(AppError::NotFound)?;
                if let Some((user_id, now)) = opened {
                    crate::service::read_receipts::merchant_opened(conn, &c, user_id, now)?;
                }
                let merchant = merchants::find(conn, merchant_id)?.ok_or(AppError::NotFound)?;
                let timeline = store::timeline(conn, c.id, Viewer::Merchant)?;
                let files = crate::store::evidence::of(conn, c.id)?;
                let named = (
                    crate::store::live::named(conn, &c)?,
                    crate::service::incidents::case::of_complaint(conn, c.id)?,
                    crate::store::reliefs::latest(conn, c.id)?,
                );
                let templates = crate::store::reply_templates::titles(conn, merchant_id)?;
                let entry = crate::store::register::find(conn, c.id)?;
                Ok((c, merchant.name, timeline, files, (named, templates, entry)))
            })
            .await?;
        let (state, req) = (self.state, self.req);
        let ctx = PageCtx::new(req);
        let t = ctx.t;
        let (reply, proposal) = match &typed.sent {
            Sent::Reply(r) => (Some(r), None),
            Sent::Proposal(p) => (None, Some(p)),
            Sent::Neither => (None, None),
        };
        // A form's errors show on the form that was sent.
        let error = |sent: bool, field: Field| {
            sent.then(|| typed.errors.get(field))
                .flatten()
                .map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]))
        };
        let proposing = |field| error(proposal.is_some(), field);
        let resolution = proposal.map_or("", |p| p.resolution.as_str());
        let now = state.clock.now();
        let progress = state.progress_at(&c, now);
        let allowed = |a: Action| progress.state.apply(a).is_ok();
        let page = ComplaintPage {
            evidence: views(&t, &format!("/merchant/complaints/{}", c.reference), &files, Viewer::Merchant),
            c: ComplaintView::new(&t, state.config.tz, now, &progress, &c, &merchant, &timeline, Viewer::Merchant)
                .naming(&t, state.config.tz, &named.0, Viewer::Merchant)
                .in_case(&t, named.1, Viewer::Merchant)
                .with_relief(&t, state.config.tz, named.2.as_ref(), Viewer::Merchant, now),
            phone: c.consumer_phone.clone(),
            email: c.consumer_email.clone(),
            notice: typed.notice.as_ref().map(|(n, _)| n.clone()),
            notice_is_error: typed.notice.as_ref().is_some_and(|(_, e)| *e),
            reply_body: FieldView::new(
                &t,
                "reply.body",
                reply.map_or("", |r| &r.body),
                error(reply.is_some(), Field::Body),
            )
            .with_id("reply-body"),
            reply_evidence: FieldView::new(&t, "form.evidence", "", typed.evidence_error.clone())
                .with_id("reply-evidence"),
            internal: reply.is_some_and(|r| r.visibility == Visibility::Internal.slug()),
            proposal_resolution: FieldView::new(&t, "proposal.resolution", resolution, proposing(Field::Resolution)),
            resolutions: Resolution::ALL
                .iter()
                .map(|r| Choice {
                    value: r.slug().into(),
                    label: t.get(r.key()).into(),
                    selected: r.slug() == resolution,
                })
                .collect(),
            proposal_amount: FieldView::new(
                &t,
                "proposal.amount",
                proposal.map_or("", |p| &p.amount),
                proposing(Field::Amount),
            )
            .with_id("proposal-amount"),
            proposal_body: FieldView::new(
                &t,
                "proposal.body",
                proposal.map_or("", |p| &p.body),
                proposing(Field::Body),
            )
            .with_id("proposal-body"),
            can_reply: allowed(Action::MerchantReply { public: true }),
            can_propose: allowed(Action::Propose),
            csrf: csrf::token(req),
            quick: QuickReply::new(&c.reference, templates, typed.template),
            public_response: PublicResponseView::new(
                &t,
                state.config.tz,
                &c,
                entry.as_ref(),
                typed.response_error.clone(),
                now,
            ),
            ctx,
        };
        render(status, &page)
    }
}

#[get("/merchant/complaints/{reference}")]
pub async fn show(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    query: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let here = Here { opening: true, ..Here::new(&state, &req, &who, reference.into_inner()) };
    let done = crate::web::notice::MerchantDone::from_slug(&query.done);
    let notice = done.map(|d| (here.t.get(d.key()).to_owned(), false));
    here.page(StatusCode::OK, Typed { notice, ..Typed::default() }).await
}

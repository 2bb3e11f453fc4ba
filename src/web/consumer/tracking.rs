//! The consumer's private tracking page, `/t/{token}`, and what the
//! consumer can do there: reply, accept or reject a proposal (with a
//! reason), withdraw, have the link e-mailed. Just after filing it opens
//! with the confirmation (`confirmation`); a step bar says where the
//! complaint stands (`steps`).

mod confirmation;
mod consent;
mod message;
mod relief;
mod steps;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::domain::complaint::Field;
use crate::domain::contact::{Email, Phone, Reach};
use crate::domain::conversation::consumer_message;
use crate::domain::event::{EventKind, Viewer};
use crate::domain::state::{Action, State};
use crate::error::AppError;
use crate::service::conversation::{self, Answer, At, Decision};
use crate::service::rating;
use crate::service::tracking::{self, LinkMail};
use crate::store::outbox::{self, MailKind};
use crate::web::complaint_view::ComplaintView;
use crate::web::evidence::{EvidenceView, views};
use crate::web::form::{CsrfForm, Forged};
use crate::web::notice::TrackingDone;
use crate::web::page::{PageCtx, render};
use crate::web::path::Token;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::view::{self, FieldView, TimeView};
use crate::web::{AppState, csrf};
use confirmation::Confirmation;
use steps::StepView;

pub use consent::consent as give_or_withdraw;
pub use message::{ask_platform, reply};
pub use relief::answer as relief_answer;

#[derive(Template)]
#[template(path = "consumer/tracking.html")]
struct TrackingPage {
    ctx: PageCtx,
    token: String,
    /// Just filed: what the page says first.
    confirmation: Option<Confirmation>,
    steps: Vec<StepView>,
    c: ComplaintView,
    evidence: Vec<EvidenceView>,
    contact: String,
    /// A number or an address to send the link to.
    has_email: bool,
    /// The outcome of the last action, or why it was refused.
    notice: Option<String>,
    notice_is_error: bool,
    reply: FieldView,
    reply_evidence: FieldView,
    reason: FieldView,
    can_reply: bool,
    can_ask_platform: bool,
    /// Resolved or closed and not rated yet.
    can_rate: bool,
    /// "★★★★☆" and the comment, once rated.
    rated: Option<(String, Option<String>)>,
    rating_comment: FieldView,
    can_decide: bool,
    /// The merchant's own words with the proposal on the table.
    proposal_text: Option<String>,
    /// By when the consumer must answer it before silence accepts it.
    answer_by: Option<TimeView>,
    /// Why the consumer rejects the proposal.
    reject_reason: FieldView,
    can_withdraw: bool,
    /// Where it stands in the public register, with the consent form.
    register: consent::RegisterView,
    csrf: String,
}

/// The page's forms where the consumer writes something, by the field
/// that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Reply,
    /// The reason for asking the platform to intervene.
    AskPlatform,
    /// The rating's comment.
    Rating,
    /// The reason for rejecting a proposal.
    Reject,
}

impl Written {
    fn field(self) -> &'static str {
        match self {
            Written::Reply => Field::Body.slug(),
            Written::AskPlatform | Written::Reject => "reason",
            Written::Rating => "comment",
        }
    }
}

/// What to show besides the complaint itself.
#[derive(Default)]
struct Extra {
    /// The outcome of the last action.
    done: Option<TrackingDone>,
    /// What was typed, in which form: kept when the page is shown again.
    typed: Option<(Written, String)>,
    /// Why what was sent was refused: next to the field typed in, when
    /// the refusal is about it, else in the notice.
    refusal: Option<Refusal>,
    /// What is wrong with the files sent with a message, in words.
    evidence_error: Option<String>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    token: Token,
    status: StatusCode,
    extra: Extra,
) -> Result<HttpResponse, AppError> {
    let lookup = token.clone();
    let filed = extra.done == Some(TrackingDone::Filed);
    let (found, files, receipts, named) = state
        .db(move |conn| {
            let found = tracking::by_token(conn, &lookup)?.ok_or(AppError::NotFound)?;
            let id = found.complaint.id;
            let files = crate::store::evidence::of(conn, id)?;
            let named = (
                crate::store::live::named(conn, &found.complaint)?,
                crate::service::incidents::case::of_complaint(conn, id)?,
                crate::store::reliefs::latest(conn, id)?,
                crate::store::register::find(conn, id)?,
            );
            // Just filed: whether the link went out by SMS or e-mail.
            let receipts = if filed { outbox::channels_for(conn, id, MailKind::Receipt)? } else { Vec::new() };
            Ok((found, files, receipts, named))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let c = &found.complaint;
    let contact = [c.consumer_phone.as_deref().map(Phone::masked), c.consumer_email.as_deref().map(Email::masked)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let now = state.clock.now();
    let mut progress = state.progress_at(c, now);
    // Seeing a proposal here reaches the consumer as its notice would.
    if progress.reach(Reach::View, now) {
        let id = c.id;
        state.db(move |conn| Ok(tracking::seen(conn, id, now)?)).await?;
    }
    let allowed = |a: Action| progress.state.apply(a).is_ok();
    let (written, typed) = extra.typed.map_or((None, String::new()), |(w, typed)| (Some(w), typed));
    // The refusal next to the field typed in, or the page's notice.
    let at_field = extra.refusal.filter(|r| written.is_some_and(|w| r.field == Some(w.field())));
    // What was typed in the form `w`, and its error.
    let kept = |w: Written| {
        if written == Some(w) { (typed.as_str(), at_field.map(|r| r.message(&t))) } else { ("", None) }
    };
    let ((typed_reply, reply_error), (reason, reason_error)) = (kept(Written::Reply), kept(Written::AskPlatform));
    let ((comment, comment_error), (why_reject, why_reject_error)) = (kept(Written::Rating), kept(Written::Reject));
    let notice = match extra.refusal {
        Some(refusal) if at_field.is_none() => Some((refusal.message(&t), true)),
        // Just filed, the confirmation says it and more.
        _ => extra.done.filter(|d| *d != TrackingDone::Filed).map(|d| (t.get(d.key()).to_owned(), false)),
    };
    // The merchant's own words: the latest proposal's.
    let proposal_text = found
        .timeline
        .iter()
        .filter(|(e, _)| EventKind::from_slug(&e.kind) == Some(EventKind::Proposal))
        .max_by_key(|(e, _)| (e.at, e.id))
        .and_then(|(e, _)| e.body.clone());
    let answer_by =
        progress.answer_by(state.config.policy.consumer_silence).map(|at| view::time(&t, state.config.tz, at));
    let page = TrackingPage {
        confirmation: filed.then(|| Confirmation::new(&t, &state.config, &token, &progress, &receipts)),
        steps: steps::views(&t, &progress),
        evidence: views(&t, &format!("/t/{token}"), &files, Viewer::Consumer),
        c: ComplaintView::new(
            &t,
            state.config.tz,
            now,
            &progress,
            c,
            &found.merchant_name,
            &found.timeline,
            Viewer::Consumer,
        )
        .naming(&t, state.config.tz, &named.0, Viewer::Consumer)
        .in_case(&t, named.1, Viewer::Consumer)
        .with_relief(&t, state.config.tz, named.2.as_ref(), Viewer::Consumer, now),
        contact,
        has_email: c.consumer_email.is_some() || c.consumer_phone.is_some(),
        notice_is_error: notice.as_ref().is_some_and(|(_, error)| *error),
        notice: notice.map(|(words, _)| words),
        reply: FieldView::new(&t, "tracking.body", typed_reply, reply_error),
        reply_evidence: FieldView::new(&t, "form.evidence", "", extra.evidence_error).with_id("reply-evidence"),
        reason: FieldView::new(&t, "tracking.reason", reason, reason_error),
        can_reply: allowed(Action::ConsumerReply),
        can_ask_platform: progress.may_ask_platform(now),
        can_rate: matches!(progress.state, State::Resolved | State::Closed) && found.rating.is_none(),
        rated: found.rating.clone().map(|(score, comment)| {
            let stars: String = (1..=5).map(|i| if i <= score { '★' } else { '☆' }).collect();
            (format!("{stars} {score}/5"), comment)
        }),
        rating_comment: FieldView::new(&t, "rating.comment", comment, comment_error),
        can_decide: allowed(Action::Accept),
        proposal_text,
        answer_by,
        reject_reason: FieldView::new(&t, "reject.reason", why_reject, why_reject_error).with_id("reject-reason"),
        can_withdraw: allowed(Action::Withdraw),
        register: consent::RegisterView::new(&t, state.config.tz, named.3.as_ref(), &c.reference, now),
        csrf: csrf::token(req),
        token: token.into_inner(),
        ctx,
    };
    render(status, &page)
}

/// The page again, saying `refusal` (its status), with what was typed.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    token: Token,
    refusal: Refusal,
    typed: Option<(Written, String)>,
) -> Result<HttpResponse, AppError> {
    page(state, req, token, refusal.status, Extra { typed, refusal: Some(refusal), ..Extra::default() }).await
}

#[get("/t/{token}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
    query: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let done = TrackingDone::from_slug(&query.done);
    page(&state, &req, token.into_inner(), StatusCode::OK, Extra { done, ..Extra::default() }).await
}

fn back(token: &Token, done: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("/t/{token}?done={done}"))).finish()
}

/// The rating form: a score of 1 to 5 and an optional comment.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RatingFields {
    score: String,
    comment: String,
}

/// The consumer's rating, 1 to 5 with an optional comment: once, by POST.
#[post("/t/{token}/rate")]
pub async fn rate(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
    form: CsrfForm<RatingFields>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let RatingFields { score, comment } = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => {
            let typed = Some((Written::Rating, posted.fields.comment));
            return refused(&state, &req, token, Refusal::FORGED, typed).await;
        }
    };
    let (lookup, clock, config, typed) = (token.clone(), state.clock.clone(), state.config.clone(), comment.clone());
    let result =
        state.db(move |conn| Ok(rating::rate(conn, &lookup, &score, &typed, &config.policy, clock.now()))).await?;
    match result {
        Ok(()) => Ok(back(&token, "rated")),
        Err(e) => refused(&state, &req, token, e.refusal()?, Some((Written::Rating, comment))).await,
    }
}

/// `/t/{token}/{decision}`: an unknown decision is not found.
#[derive(Debug, Clone, Copy)]
pub struct Decided(Decision);

impl<'de> Deserialize<'de> for Decided {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let slug = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Decision::from_slug(&slug).map(Decided).ok_or_else(|| serde::de::Error::custom("not a decision"))
    }
}

/// The forms of the decisions: a rejection says why; accepting and
/// withdrawing send nothing but the token.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionFields {
    reason: String,
}

/// Accept, reject or withdraw: one button each, each in its own form.
#[post("/t/{token}/{decision}")]
pub async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Token, Decided)>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    let (token, Decided(decision)) = path.into_inner();
    let (forged, DecisionFields { reason: typed }) = match form.checked() {
        Ok(posted) => (false, posted.fields),
        Err(Forged(posted)) => (true, posted.fields),
    };
    // What was typed is kept only where there is a field to keep it in.
    let kept = (decision == Decision::Reject).then(|| (Written::Reject, typed.clone()));
    if forged {
        return refused(&state, &req, token, Refusal::FORGED, kept).await;
    }
    // A rejection says why, as any message of the consumer's does.
    let reason = match decision {
        Decision::Reject => match consumer_message(&typed) {
            Ok(reason) => reason,
            Err(errors) => {
                let refusal =
                    errors.get(Field::Body).map_or(Refusal::unprocessable("error.required"), Refusal::invalid);
                return refused(&state, &req, token, refusal.at(Written::Reject.field()), kept).await;
            }
        },
        Decision::Accept | Decision::Withdraw => String::new(),
    };
    let (lookup, clock, config) = (token.clone(), state.clock.clone(), state.config.clone());
    let result = state
        .db(move |conn| {
            let answer = match decision {
                Decision::Accept => Answer::Accept,
                Decision::Reject => Answer::Reject { reason: &reason },
                Decision::Withdraw => Answer::Withdraw,
            };
            Ok(conversation::consumer_decide(conn, &lookup, answer, At { config: &config, now: clock.now() }))
        })
        .await?;
    match result {
        Ok(()) => Ok(back(&token, decision.done())),
        Err(e) => refused(&state, &req, token, e.refusal()?, kept).await,
    }
}

/// "E-mail me this link": queues the e-mail (sent by the mail dispatcher).
#[post("/t/{token}/send-link")]
pub async fn send_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
    form: CsrfForm<IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if let Err(Forged(_)) = form.checked() {
        return refused(&state, &req, token, Refusal::FORGED, None).await;
    }
    let (lookup, clock, config) = (token.clone(), state.clock.clone(), state.config.clone());
    let result = state.db(move |conn| Ok(tracking::mail_link(conn, &config, &lookup, clock.now())?)).await?;
    let done = match result.ok_or(AppError::NotFound)? {
        LinkMail::Queued(_) => "link_queued",
        LinkMail::AlreadyQueued(_) => "link_already",
        LinkMail::NoAddress => "link_none",
    };
    Ok(back(&token, done))
}

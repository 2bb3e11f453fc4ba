//! The consumer's private tracking page, `/t/{token}`, and what the
//! consumer can do there: reply, accept or reject a proposal, withdraw,
//! have the link e-mailed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::complaint::Field;
use crate::domain::contact::{Email, Phone};
use crate::domain::conversation::consumer_message;
use crate::domain::event::Viewer;
use crate::domain::state::{Action, State};
use crate::error::AppError;
use crate::service::conversation::{self, At, Decision};
use crate::service::rating::{self, RateError};
use crate::service::tracking::{self, LinkMail};
use crate::web::complaint_view::ComplaintView;
use crate::web::evidence::{EvidenceView, accept, views};
use crate::web::limit::{self, Scope};
use crate::web::page::{PageCtx, render};
use crate::web::view::FieldView;
use crate::web::{AppState, act_notice, csrf, form};

#[derive(Template)]
#[template(path = "consumer/tracking.html")]
struct TrackingPage {
    ctx: PageCtx,
    token: String,
    c: ComplaintView,
    evidence: Vec<EvidenceView>,
    contact: String,
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
    can_withdraw: bool,
    csrf: String,
}

/// What to show besides the complaint itself.
#[derive(Default)]
struct Extra<'a> {
    notice: Option<(&'a str, bool)>,
    /// An error notice already in words (one that needs numbers).
    said: Option<String>,
    reply: &'a str,
    reply_error: Option<String>,
    /// What is wrong with the files sent with the reply.
    evidence_error: Option<String>,
    reason: &'a str,
    reason_error: Option<String>,
    comment: &'a str,
    comment_error: Option<String>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    token: String,
    status: StatusCode,
    extra: Extra<'_>,
) -> Result<HttpResponse, AppError> {
    let lookup = token.clone();
    let (found, files) = state
        .db(move |conn| {
            let found = tracking::by_token(conn, &lookup)?.ok_or(AppError::NotFound)?;
            let files = crate::store::evidence::of(conn, found.complaint.id)?;
            Ok((found, files))
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
    let progress = state.progress_at(c, now);
    let allowed = |a: Action| progress.state.apply(a).is_ok();
    let page = TrackingPage {
        evidence: views(&t, &format!("/t/{token}"), &files),
        c: ComplaintView::new(
            &t,
            state.config.tz,
            now,
            &progress,
            c,
            &found.merchant_name,
            &found.timeline,
            Viewer::Consumer,
        ),
        contact,
        has_email: c.consumer_email.is_some(),
        notice_is_error: extra.said.is_some() || extra.notice.is_some_and(|(_, error)| error),
        notice: extra.said.or_else(|| extra.notice.map(|(key, _)| t.get(key).to_owned())),
        reply: FieldView::new(&t, "tracking.body", extra.reply, extra.reply_error),
        reply_evidence: FieldView::new(&t, "form.evidence", "", extra.evidence_error).with_id("reply-evidence"),
        reason: FieldView::new(&t, "tracking.reason", extra.reason, extra.reason_error),
        can_reply: allowed(Action::ConsumerReply),
        can_ask_platform: progress.may_ask_platform(now),
        can_rate: matches!(progress.state, State::Resolved | State::Closed) && found.rating.is_none(),
        rated: found.rating.clone().map(|(score, comment)| {
            let stars: String = (1..=5).map(|i| if i <= score { '★' } else { '☆' }).collect();
            (format!("{stars} {score}/5"), comment)
        }),
        rating_comment: FieldView::new(&t, "rating.comment", extra.comment, extra.comment_error),
        can_decide: allowed(Action::Accept),
        can_withdraw: allowed(Action::Withdraw),
        csrf: csrf::token(req),
        token,
        ctx,
    };
    render(status, &page)
}

#[get("/t/{token}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let notice = query.get("done").and_then(|v| crate::web::notice::TrackingDone::from_slug(v));
    let extra = Extra { notice: notice.map(|d| (d.key(), false)), ..Extra::default() };
    page(&state, &req, token.into_inner(), StatusCode::OK, extra).await
}

fn back(token: &str, done: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("/t/{token}?done={done}"))).finish()
}

/// The two forms where the consumer writes a message: a reply, and the
/// reason for asking the platform to intervene.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Message {
    Reply,
    AskPlatform,
}

impl Message {
    fn field(self) -> &'static str {
        match self {
            Message::Reply => "body",
            Message::AskPlatform => "reason",
        }
    }

    /// The page again with what was typed (and its error) in the right form.
    fn extra<'a>(self, typed: &'a str, error: Option<String>, notice: Option<(&'a str, bool)>) -> Extra<'a> {
        match self {
            Message::Reply => Extra { notice, reply: typed, reply_error: error, ..Extra::default() },
            Message::AskPlatform => Extra { notice, reason: typed, reason_error: error, ..Extra::default() },
        }
    }
}

async fn message(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: String,
    body: web::Payload,
    which: Message,
) -> Result<HttpResponse, AppError> {
    let (fields, uploads) = form::read_with_files(&req, body, "evidence").await?;
    let typed = fields.get(which.field());
    let t = PageCtx::new(&req).t;
    // Shown again, the form cannot keep the files: they need choosing again.
    let again = (!uploads.is_empty()).then(|| t.get("form.evidence_again").to_owned());
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let extra = Extra { evidence_error: again, ..which.extra(&typed, None, Some(("error.csrf_action", true))) };
        return page(&state, &req, token, StatusCode::FORBIDDEN, extra).await;
    }
    // Every message sent counts against its address, valid or not.
    if let Err(wait) = state.limiter.check(Scope::ConsumerReplies, &req, state.clock.now()) {
        let said = Some(t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]));
        let extra = Extra { said, evidence_error: again, ..which.extra(&typed, None, None) };
        let mut res = page(&state, &req, token, StatusCode::TOO_MANY_REQUESTS, extra).await?;
        limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    let text = match consumer_message(&typed) {
        Ok(m) => m,
        Err(errors) => {
            let error = errors.get(Field::Body).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
            let extra = Extra { evidence_error: again, ..which.extra(&typed, error, None) };
            return page(&state, &req, token, StatusCode::UNPROCESSABLE_ENTITY, extra).await;
        }
    };
    let stored = match accept(&state, &t, uploads).await? {
        Ok(stored) => stored,
        Err(message) => {
            let extra = Extra { evidence_error: Some(message), ..which.extra(&typed, None, None) };
            return page(&state, &req, token, StatusCode::UNPROCESSABLE_ENTITY, extra).await;
        }
    };
    let (lookup, clock, config) = (token.clone(), state.clock.clone(), state.config.clone());
    let result = state
        .db(move |conn| {
            let at = At { config: &config, now: clock.now() };
            // The message and its files' rows, in one transaction.
            Ok(match which {
                Message::Reply => conversation::consumer_reply(conn, &lookup, &text, &stored, at),
                Message::AskPlatform => conversation::ask_platform(conn, &lookup, &text, &stored, at),
            })
        })
        .await?;
    match result {
        Ok(()) => Ok(back(&token, if which == Message::Reply { "replied" } else { "escalated" })),
        Err(e) => {
            let extra = which.extra(&typed, None, Some((act_notice(e)?, true)));
            page(&state, &req, token, StatusCode::UNPROCESSABLE_ENTITY, extra).await
        }
    }
}

#[post("/t/{token}/reply")]
pub async fn reply(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    message(req, state, token.into_inner(), body, Message::Reply).await
}

/// "Ask the platform to intervene", with the consumer's reason.
#[post("/t/{token}/intervene")]
pub async fn ask_platform(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    message(req, state, token.into_inner(), body, Message::AskPlatform).await
}

/// The consumer's rating, 1 to 5 with an optional comment: once, by POST.
#[post("/t/{token}/rate")]
pub async fn rate(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let fields = form::read(&req, body).await?;
    let (score, comment) = (fields.get("score"), fields.get("comment"));
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let extra = Extra { notice: Some(("error.csrf_action", true)), comment: &comment, ..Extra::default() };
        return page(&state, &req, token, StatusCode::FORBIDDEN, extra).await;
    }
    let (lookup, clock, config, typed) = (token.clone(), state.clock.clone(), state.config.clone(), comment.clone());
    let result =
        state.db(move |conn| Ok(rating::rate(conn, &lookup, &score, &typed, &config.policy, clock.now()))).await?;
    let t = PageCtx::new(&req).t;
    let (notice, comment_error) = match result {
        Ok(()) => return Ok(back(&token, "rated")),
        Err(RateError::NotFound) => return Err(AppError::NotFound),
        Err(RateError::Db(e)) => return Err(e.into()),
        Err(RateError::Score) => (Some(("error.rating_score", true)), None),
        Err(RateError::Comment(why)) => (None, Some(t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]))),
        Err(RateError::NotFinished) => (Some(("error.illegal_action", true)), None),
        Err(RateError::AlreadyRated) => (Some(("error.already_rated", true)), None),
    };
    let extra = Extra { notice, comment: &comment, comment_error, ..Extra::default() };
    page(&state, &req, token, StatusCode::UNPROCESSABLE_ENTITY, extra).await
}

/// Accept, reject or withdraw: one button each, each in its own form.
#[post("/t/{token}/{decision}")]
pub async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (token, decision) = path.into_inner();
    let decision = Decision::from_slug(&decision).ok_or(AppError::NotFound)?;
    let fields = form::read(&req, body).await?;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let extra = Extra { notice: Some(("error.csrf_action", true)), ..Extra::default() };
        return page(&state, &req, token, StatusCode::FORBIDDEN, extra).await;
    }
    let (lookup, clock, config) = (token.clone(), state.clock.clone(), state.config.clone());
    let result = state
        .db(move |conn| {
            Ok(conversation::consumer_decide(conn, &lookup, decision, At { config: &config, now: clock.now() }))
        })
        .await?;
    match result {
        Ok(()) => Ok(back(&token, decision.done())),
        Err(e) => {
            let extra = Extra { notice: Some((act_notice(e)?, true)), ..Extra::default() };
            page(&state, &req, token, StatusCode::UNPROCESSABLE_ENTITY, extra).await
        }
    }
}

/// "E-mail me this link": queues the e-mail (sent by the mail dispatcher).
#[post("/t/{token}/send-link")]
pub async fn send_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let fields = form::read(&req, body).await?;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let extra = Extra { notice: Some(("error.csrf_action", true)), ..Extra::default() };
        return page(&state, &req, token, StatusCode::FORBIDDEN, extra).await;
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

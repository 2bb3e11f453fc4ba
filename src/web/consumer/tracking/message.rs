//! The two forms where the consumer writes a message, with evidence files:
//! a reply, and the reason for asking the platform to intervene. Sending
//! one: counted against the address, checked, its files kept, recorded
//! with them in one transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{Extra, Written, back, page};
use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::conversation::consumer_message;
use crate::error::AppError;
use crate::service::conversation::{self, At};
use crate::service::evidence::Upload;
use crate::web::AppState;
use crate::web::consumer::Limited;
use crate::web::evidence::accept;
use crate::web::form::{CsrfUpload, Forged, Posted};
use crate::web::limit::Scope;
use crate::web::page::PageCtx;
use crate::web::path::Token;
use crate::web::refusal::{Refusal, Refuse};

/// The reply form: the message (and files).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyFields {
    body: String,
}

/// The intervention form: the reason (and files).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonFields {
    reason: String,
}

#[post("/t/{token}/reply")]
pub async fn reply(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
    form: CsrfUpload<ReplyFields>,
) -> Result<HttpResponse, AppError> {
    message(&state, &req, token.into_inner(), Sent::read(form, |f| f.body), Message::Reply).await
}

/// "Ask the platform to intervene", with the consumer's reason.
#[post("/t/{token}/intervene")]
pub async fn ask_platform(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
    form: CsrfUpload<ReasonFields>,
) -> Result<HttpResponse, AppError> {
    message(&state, &req, token.into_inner(), Sent::read(form, |f| f.reason), Message::AskPlatform).await
}

/// Which of the two.
#[derive(Clone, Copy)]
enum Message {
    Reply,
    AskPlatform,
}

impl Message {
    fn written(self) -> Written {
        match self {
            Message::Reply => Written::Reply,
            Message::AskPlatform => Written::AskPlatform,
        }
    }

    /// What the page says once it is sent.
    fn done(self) -> &'static str {
        match self {
            Message::Reply => "replied",
            Message::AskPlatform => "escalated",
        }
    }
}

/// A message as sent.
struct Sent {
    forged: bool,
    typed: String,
    files: Vec<Upload>,
}

impl Sent {
    fn read<T>(form: CsrfUpload<T>, text: fn(T) -> String) -> Sent {
        let (forged, Posted { fields, files }) = match form.checked() {
            Ok(posted) => (false, posted),
            Err(Forged(posted)) => (true, posted),
        };
        Sent { forged, typed: text(fields), files }
    }
}

/// Why a message was not recorded.
enum Unsent {
    Forged,
    Limited(Limited),
    /// The text, as the domain's rules say.
    Invalid(FieldErrors),
    /// A file refused, in words.
    File(String),
    /// What the complaint's state refused (the files were kept).
    Refused(Refusal),
    Error(AppError),
}

impl From<AppError> for Unsent {
    fn from(e: AppError) -> Unsent {
        Unsent::Error(e)
    }
}

async fn message(
    state: &AppState,
    req: &HttpRequest,
    token: Token,
    sent: Sent,
    which: Message,
) -> Result<HttpResponse, AppError> {
    let had_files = !sent.files.is_empty();
    let typed = sent.typed.clone();
    match send(state, req, &token, sent, which).await {
        Ok(()) => Ok(back(&token, which.done())),
        Err(why) => unsent(state, req, token, (which.written(), typed), had_files, why).await,
    }
}

/// The steps from the message sent to the message recorded.
async fn send(state: &AppState, req: &HttpRequest, token: &Token, sent: Sent, which: Message) -> Result<(), Unsent> {
    if sent.forged {
        return Err(Unsent::Forged);
    }
    // Every message sent counts against its address, valid or not.
    Limited::check(state, req, Scope::ConsumerReplies).map_err(Unsent::Limited)?;
    let text = consumer_message(&sent.typed).map_err(Unsent::Invalid)?;
    let stored = accept(state, &PageCtx::new(req).t, sent.files).await?.map_err(Unsent::File)?;
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
    result.or_else(|e| Err(Unsent::Refused(e.refusal()?)))
}

/// The page again, with what was typed and why it was not sent.
async fn unsent(
    state: &AppState,
    req: &HttpRequest,
    token: Token,
    typed: (Written, String),
    had_files: bool,
    why: Unsent,
) -> Result<HttpResponse, AppError> {
    let field = typed.0.field();
    // Shown again, the form cannot keep the files: they need choosing again.
    let again = had_files.then(|| PageCtx::new(req).t.get("form.evidence_again").to_owned());
    let mut limited_by = None;
    let (refusal, evidence_error) = match why {
        Unsent::Forged => (Some(Refusal::FORGED), again),
        Unsent::Limited(limited) => (Some(limited_by.insert(limited).refusal()), again),
        Unsent::Invalid(errors) => (errors.get(Field::Body).map(|why| Refusal::invalid(why).at(field)), again),
        Unsent::File(words) => (None, Some(words)),
        Unsent::Refused(refusal) => (Some(refusal), None),
        Unsent::Error(e) => return Err(e),
    };
    let status = refusal.map_or(StatusCode::UNPROCESSABLE_ENTITY, |r| r.status);
    let extra = Extra { typed: Some(typed), refusal, evidence_error, ..Extra::default() };
    let res = page(state, req, token, status, extra).await?;
    Ok(match limited_by {
        Some(limited) => limited.answer(res),
        None => res,
    })
}

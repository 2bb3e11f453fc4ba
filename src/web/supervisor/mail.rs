//! `/supervisor/mail`: notices waiting or failed, with the last error; a
//! dead one can be sent again. Below them, the webhook deliveries given up.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::contact::Phone;
use crate::domain::webhook::DeliveryState;
use crate::error::AppError;
use crate::service::dispatch;
use crate::store::outbox::{self, Channel, MailState, Row};
use crate::store::{from_db, webhook_deliveries};
use crate::web::form::CsrfForm;
use crate::web::page::{PageCtx, render};
use crate::web::path::MailId;
use crate::web::session::Supervisor;
use crate::web::view::{self, TimeView};
use crate::web::{AppState, csrf};

pub struct MailRow {
    pub id: i64,
    pub state: String,
    /// `mail` or `sms`, and how the page says it.
    pub channel: &'static str,
    pub channel_label: String,
    pub kind: String,
    /// An address in full; a mobile number masked (`138****8000`).
    pub recipient: String,
    pub subject: String,
    pub attempts: String,
    pub next: TimeView,
    pub error: Option<String>,
}

/// A webhook delivery given up, with whose endpoint it was.
pub struct DeadHook {
    pub merchant_id: i64,
    pub url: String,
    pub event_type: String,
    pub event_id: String,
    pub attempts: i32,
    pub error: Option<String>,
    pub at: TimeView,
}

#[derive(Template)]
#[template(path = "supervisor/mail.html")]
struct MailPage {
    ctx: PageCtx,
    rows: Vec<MailRow>,
    hooks: Vec<DeadHook>,
    notice: Option<String>,
    csrf: String,
}

#[get("/supervisor/mail")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let (rows, hooks): (Vec<Row>, _) = state
        .db(|conn| {
            let rows = outbox::in_states(conn, &[MailState::Dead, MailState::Queued, MailState::Sending], 200)?;
            Ok((rows, webhook_deliveries::in_state(conn, DeliveryState::Dead, 50)?))
        })
        .await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let tz = state.config.tz;
    let rows = rows
        .into_iter()
        .map(|r| MailRow {
            id: r.id,
            attempts: t.fmt("mail_admin.attempts", &[("n", &r.attempts)]),
            next: view::time(&t, tz, from_db(r.next_attempt_at)),
            error: r.last_error,
            state: r.state.slug().into(),
            channel: r.channel.slug(),
            channel_label: t.get(channel_key(r.channel)).to_owned(),
            kind: r.kind,
            recipient: match r.channel {
                Channel::Mail => r.recipient,
                Channel::Sms => Phone::masked(&r.recipient),
            },
            subject: match r.channel {
                Channel::Mail => r.subject,
                Channel::Sms => sms_gist(&r.body_text),
            },
        })
        .collect();
    let hooks = hooks
        .into_iter()
        .map(|(d, merchant_id, url)| DeadHook {
            merchant_id,
            url,
            at: view::time(&t, tz, from_db(d.last_attempt_at.unwrap_or(d.created_at))),
            event_type: d.event_type,
            event_id: d.event_id,
            attempts: d.attempts,
            error: d.last_error,
        })
        .collect();
    let notice = (query.done == "retry").then(|| t.get("mail_admin.done_retry").to_owned());
    render(StatusCode::OK, &MailPage { ctx, rows, hooks, notice, csrf: csrf::token(&req) })
}

fn channel_key(channel: Channel) -> &'static str {
    match channel {
        Channel::Mail => "sms.channel.mail",
        Channel::Sms => "sms.channel.sms",
    }
}

/// A text message has no subject: its words stand in, without the
/// consumer's private link that ends it.
fn sms_gist(text: &str) -> String {
    let words = text.rsplit_once(" http").map_or(text, |(words, _)| words);
    let mut gist: String = words.chars().take(40).collect();
    if words.chars().nth(40).is_some() {
        gist.push('…');
    }
    gist
}

/// The retry form: its token only.
#[derive(Deserialize)]
pub struct RetryFields {}

#[post("/supervisor/mail/{id}/retry")]
pub async fn retry(
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<MailId>,
    form: CsrfForm<RetryFields>,
) -> Result<HttpResponse, AppError> {
    form.or_forbidden()?;
    let (id, clock) = (id.into_inner(), state.clock.clone());
    if !state.db(move |conn| Ok(dispatch::retry(conn, id.0, clock.now())?)).await? {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::SeeOther().insert_header(("Location", "/supervisor/mail?done=retry")).finish())
}

//! Which notices an event sends, to whom, saying what: each is rendered in
//! its recipient's language and queued in the event's transaction, under a
//! key that makes it one per complaint (or event), recipient and kind.
//! This file has the consumer's notices; `staff` the merchant's and the
//! supervisors'.
//!
//! Every notice about a complaint restates what it is about (reference,
//! order number, amount: [`facts`] for mail, [`about`] for SMS) and gives
//! every deadline it names as a date and time in the deployment's zone;
//! every mail ends with the help line (`REDRESS_HELP`).
#![allow(clippy::too_many_arguments)] // each notice names what it is about

mod answer;
mod deposit;
mod incident;
mod live;
mod register;
mod relief;
mod staff;
mod webhook;

pub use answer::answer_reminder;
pub use deposit::{deposit_compensation, deposit_lifted};
pub use incident::{IncidentNotice, case_ruling_to_consumer, case_ruling_to_merchant, incident_opened};
pub use live::live_decision;
pub use register::register_hidden;
pub use relief::{relief_question, ruling};
pub use staff::*;
pub use webhook::webhook_disabled;

use std::fmt::Display;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::amount::format_yuan;
use crate::i18n::{Lang, Tr};
use crate::mail::{Content, render};
use crate::store::complaints::Complaint;
use crate::store::outbox::{self, Channel, Enqueue, MailKind};
use crate::store::{DbConnection, from_db, merchants};

/// One notice to one recipient.
pub struct Notice<'a> {
    pub kind: MailKind,
    pub key: String,
    /// The complaint it is about, restated at its top.
    pub complaint: Option<&'a Complaint>,
    pub to: &'a str,
    pub lang: Lang,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}

/// Queues a mail unless one with the same key exists; returns whether it
/// queued. Call inside the transaction of the event.
pub fn queue(conn: &mut DbConnection, config: &Config, n: Notice<'_>, now: DateTime<Utc>) -> diesel::QueryResult<bool> {
    let t = n.lang.tr();
    let content = Content {
        subject: n.subject,
        greeting: n.greeting,
        facts: n.complaint.map(|c| facts(&t, c)).unwrap_or_default(),
        paragraphs: n.paragraphs,
        link: n.link,
        help: config.help.line(n.lang),
    };
    let mail = render(n.lang, &content).map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
    let m = Enqueue {
        channel: Channel::Mail,
        kind: n.kind,
        dedupe_key: n.key,
        complaint_id: n.complaint.map(|c| c.id),
        recipient: n.to,
        lang: n.lang.code(),
        mail: &mail,
    };
    outbox::enqueue(conn, m, now)
}

/// Where a proposal's notice says by when to answer: filled in by the
/// dispatcher as it sends it, since the silence period runs from the first
/// delivery (see `service::dispatch`).
pub const ANSWER_BY: &str = "\u{27e6}answer_by\u{27e7}";

/// One text message to one mobile number (its 11 digits).
pub struct Sms<'a> {
    pub kind: MailKind,
    /// The notice's key; a text message's is kept apart from the mail's.
    pub key: String,
    pub complaint_id: Option<i64>,
    pub to: &'a str,
    pub lang: Lang,
    pub text: String,
}

/// Queues a text message unless one with the same key exists; returns
/// whether it queued. Call inside the transaction of the event.
pub fn queue_sms(conn: &mut DbConnection, n: Sms<'_>, now: DateTime<Utc>) -> diesel::QueryResult<bool> {
    let mail = crate::mail::Rendered { subject: String::new(), text: n.text, html: String::new() };
    let m = Enqueue {
        channel: Channel::Sms,
        kind: n.kind,
        dedupe_key: format!("sms:{}", n.key),
        complaint_id: n.complaint_id,
        recipient: n.to,
        lang: n.lang.code(),
        mail: &mail,
    };
    outbox::enqueue(conn, m, now)
}

/// What a mail about `c` says it is about: its reference, the order
/// number and the amount (when the consumer gave one).
pub fn facts(t: &Tr, c: &Complaint) -> Vec<(String, String)> {
    let mut facts = vec![
        (t.get("mail.fact_reference").to_owned(), c.reference.clone()),
        (t.get("mail.fact_order").to_owned(), c.order_ref.clone()),
    ];
    if let Some(fen) = c.amount_fen {
        facts.push((t.get("mail.fact_amount").to_owned(), format!("¥{}", format_yuan(fen))));
    }
    facts
}

/// A text message about `c`: `text` after the order number and amount
/// ("订单DY4829301756（¥199.00）：…"), by which a consumer knows the
/// purchase at a glance.
pub fn about(t: &Tr, c: &Complaint, text: &str) -> String {
    match c.amount_fen {
        Some(fen) => {
            fmt(t, "sms.about_amount", &[("order", &c.order_ref), ("amount", &format_yuan(fen)), ("text", &text)])
        }
        None => fmt(t, "sms.about", &[("order", &c.order_ref), ("text", &text)]),
    }
}

pub(super) fn time(t: &Tr, config: &Config, at: chrono::NaiveDateTime) -> String {
    t.time(config.tz, from_db(at))
}

pub(super) fn fmt(t: &Tr, key: &str, args: &[(&str, &dyn Display)]) -> String {
    t.fmt(key, args)
}

/// The consumer's private link.
fn tracking_url(config: &Config, c: &Complaint) -> String {
    format!("{}/t/{}", config.public_base(), c.token)
}

fn tracking_link(t: &Tr, config: &Config, c: &Complaint) -> Option<(String, String)> {
    Some((t.get("mail.open_tracking").to_owned(), tracking_url(config, c)))
}

/// To the consumer, by every way they gave: an e-mail if they gave an
/// address, a text message if they gave a mobile number (most give only
/// that). Both under the notice's `key` (the text message's kept apart by
/// [`queue_sms`]). `sms` words the text message, short: the order number
/// and amount go before it ([`about`]), the tracking link after it, and
/// the sign (【售后督办】) in front (by the SMS transport); the whole
/// within two or three messages ([`crate::sms::segments`]).
/// Returns whether anything was queued (false when notices with the key
/// were queued before, or there is nowhere to send).
pub(super) fn to_consumer(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    kind: MailKind,
    key: String,
    subject_key: &str,
    paragraphs: impl FnOnce(&Tr) -> Vec<String>,
    sms: impl FnOnce(&Tr) -> String,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    let lang = c.lang;
    let t = lang.tr();
    let mut queued = false;
    if let Some(to) = c.consumer_email.as_deref() {
        let notice = Notice {
            kind,
            key: key.clone(),
            complaint: Some(c),
            to,
            lang,
            subject: fmt(&t, subject_key, &[("reference", &c.reference)]),
            greeting: fmt(&t, "mail.greeting_consumer", &[("name", &c.consumer_name)]),
            paragraphs: paragraphs(&t),
            link: tracking_link(&t, config, c),
        };
        queued |= queue(conn, config, notice, now)?;
    }
    if let Some(to) = c.consumer_phone.as_deref() {
        let text = format!("{} {}", about(&t, c, &sms(&t)), tracking_url(config, c));
        let message = Sms { kind, key, complaint_id: Some(c.id), to, lang, text };
        queued |= queue_sms(conn, message, now)?;
    }
    Ok(queued)
}

pub fn receipt(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    merchant: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    to_consumer(
        conn,
        config,
        c,
        MailKind::Receipt,
        format!("receipt:{}", c.id),
        "mail.receipt.subject",
        |t| {
            vec![
                fmt(t, "mail.receipt.p1", &[("merchant", &merchant), ("reference", &c.reference)]),
                fmt(
                    t,
                    "mail.receipt.p2",
                    &[
                        ("response_due", &time(t, config, c.response_due_at)),
                        ("resolution_due", &time(t, config, c.resolution_due_at)),
                    ],
                ),
                t.get("mail.receipt.p3").to_owned(),
            ]
        },
        // The mail gives both deadlines; the text message the one that
        // comes first, to stay within two messages.
        |t| {
            let due = time(t, config, c.response_due_at);
            fmt(t, "sms.receipt", &[("reference", &c.reference), ("response_due", &due)])
        },
        now,
    )
    .map(drop)
}

/// "Send me my link": by e-mail and by SMS, at most once every ten minutes.
/// Whether it was queued.
pub fn tracking_link_mail(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    to_consumer(
        conn,
        config,
        c,
        MailKind::TrackingLink,
        format!("tracking_link:{}:{}", c.id, now.timestamp() / 600),
        "mail.link.subject",
        |t| vec![fmt(t, "mail.link.p1", &[("reference", &c.reference)]), t.get("mail.receipt.p3").to_owned()],
        |t| fmt(t, "sms.link", &[("reference", &c.reference)]),
        now,
    )
}

pub(super) fn merchant_name(conn: &mut DbConnection, id: i64) -> diesel::QueryResult<String> {
    Ok(merchants::find(conn, id)?.map(|m| m.name).unwrap_or_default())
}

pub fn merchant_reply(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    event: i64,
    body: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let merchant = merchant_name(conn, c.merchant_id)?;
    to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerReply,
        format!("reply:{event}"),
        "mail.reply.subject",
        |t| vec![fmt(t, "mail.reply.p1", &[("merchant", &merchant), ("reference", &c.reference)]), body.to_owned()],
        |t| fmt(t, "sms.reply", &[("reference", &c.reference)]),
        now,
    )
    .map(drop)
}

#[allow(clippy::too_many_arguments)]
pub fn proposal(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    event: i64,
    resolution: &str,
    amount_fen: Option<i64>,
    body: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let merchant = merchant_name(conn, c.merchant_id)?;
    to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerProposal,
        format!("proposal:{event}"),
        "mail.proposal.subject",
        |t| {
            vec![
                fmt(
                    t,
                    "mail.proposal.p1",
                    &[
                        ("merchant", &merchant),
                        ("reference", &c.reference),
                        ("terms", &t.terms(resolution, amount_fen)),
                    ],
                ),
                body.to_owned(),
                fmt(
                    t,
                    "mail.proposal.p2",
                    &[("answer_by", &ANSWER_BY), ("hours", &config.policy.consumer_silence.num_hours())],
                ),
            ]
        },
        |t| {
            let terms = t.terms(resolution, amount_fen);
            let args: [(&str, &dyn Display); 3] =
                [("reference", &c.reference), ("terms", &terms), ("answer_by", &ANSWER_BY)];
            fmt(t, "sms.proposal", &args)
        },
        now,
    )
    .map(drop)
}

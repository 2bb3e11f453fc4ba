//! Notices to the merchant's staff and to the platform's supervisors, in
//! Chinese.
#![allow(clippy::too_many_arguments)] // each notice names what it is about

use chrono::{DateTime, Utc};

use super::{Notice, fmt, merchant_name, queue, time};
use crate::config::Config;
use crate::domain::action::{ActionKind, AppealDecision, AppealWindows};
use crate::domain::deadline::DeadlineKind;
use crate::domain::live::Target;
use crate::domain::state::EscalationReason;
use crate::i18n::{Lang, Tr};
use crate::store::complaints::Complaint;
use crate::store::outbox::MailKind;
use crate::store::{DbConnection, merchants, users};

fn merchant_link(t: &Tr, config: &Config, c: &Complaint) -> Option<(String, String)> {
    Some((
        t.get("mail.open_complaint").to_owned(),
        format!("{}/merchant/complaints/{}", config.public_base(), c.reference),
    ))
}

/// To the merchant's contact address, in Chinese.
#[allow(clippy::too_many_arguments)]
pub(super) fn to_merchant(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    kind: MailKind,
    key: String,
    complaint: Option<&Complaint>,
    subject: impl FnOnce(&Tr) -> String,
    paragraphs: impl FnOnce(&Tr) -> Vec<String>,
    link: Option<(String, String)>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Some(m) = merchants::find(conn, merchant_id)? else { return Ok(()) };
    let lang = Lang::ZhCn;
    let t = lang.tr();
    let link = link.or_else(|| complaint.and_then(|c| merchant_link(&t, config, c)));
    let notice = Notice {
        kind,
        key,
        complaint,
        to: &m.email,
        lang,
        subject: subject(&t),
        greeting: fmt(&t, "mail.greeting_merchant", &[("merchant", &m.name)]),
        paragraphs: paragraphs(&t),
        link,
    };
    queue(conn, config, notice, now).map(drop)
}

pub fn new_complaint(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let category = |t: &Tr| t.get(c.category.key()).to_owned();
    to_merchant(
        conn,
        config,
        c.merchant_id,
        MailKind::MerchantNewComplaint,
        format!("merchant_new:{}", c.id),
        Some(c),
        |t| fmt(t, "mail.new.subject", &[("reference", &c.reference), ("category", &category(t))]),
        |t| {
            vec![
                fmt(t, "mail.new.p1", &[("reference", &c.reference), ("category", &category(t))]),
                fmt(
                    t,
                    "mail.new.p2",
                    &[
                        ("response_due", &time(t, config, c.response_due_at)),
                        ("resolution_due", &time(t, config, c.resolution_due_at)),
                    ],
                ),
            ]
        },
        None,
        now,
    )
}

/// 12 h before the response deadline, 24 h before the resolution one.
pub fn reminder(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    kind: DeadlineKind,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let (mail, due) = match kind {
        DeadlineKind::Response => (MailKind::MerchantResponseReminder, c.response_due_at),
        DeadlineKind::Resolution => (MailKind::MerchantResolutionReminder, c.resolution_due_at),
    };
    let slug = kind.slug();
    let (subject, p1) = reminder_keys(kind);
    to_merchant(
        conn,
        config,
        c.merchant_id,
        mail,
        format!("reminder_{slug}:{}", c.id),
        Some(c),
        |t| fmt(t, subject, &[("reference", &c.reference)]),
        |t| {
            let mut paragraphs = vec![fmt(t, p1, &[("reference", &c.reference), ("due", &time(t, config, due))])];
            if kind == DeadlineKind::Response {
                paragraphs.push(viewed(t, config, c));
            }
            paragraphs
        },
        None,
        now,
    )
}

/// Whether the merchant's staff have opened the complaint yet, and when.
fn viewed(t: &Tr, config: &Config, c: &Complaint) -> String {
    match c.merchant_viewed_at {
        Some(at) => fmt(t, "mail.reminder_response.viewed", &[("at", &time(t, config, at))]),
        None => t.get("mail.reminder_response.not_viewed").to_owned(),
    }
}

/// The catalog keys of the reminder before a deadline: subject, first
/// paragraph.
pub(crate) fn reminder_keys(kind: DeadlineKind) -> (&'static str, &'static str) {
    match kind {
        DeadlineKind::Response => ("mail.reminder_response.subject", "mail.reminder_response.p1"),
        DeadlineKind::Resolution => ("mail.reminder_resolution.subject", "mail.reminder_resolution.p1"),
    }
}

/// The catalog keys of the notice that a deadline passed: subject, first
/// paragraph.
pub(crate) fn breach_keys(kind: DeadlineKind) -> (&'static str, &'static str) {
    match kind {
        DeadlineKind::Response => ("mail.breach_response.subject", "mail.breach_response.p1"),
        DeadlineKind::Resolution => ("mail.breach_resolution.subject", "mail.breach_resolution.p1"),
    }
}

pub fn breach(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    kind: DeadlineKind,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let slug = kind.slug();
    let (subject, p1) = breach_keys(kind);
    to_merchant(
        conn,
        config,
        c.merchant_id,
        MailKind::MerchantBreach,
        format!("breach_{slug}:{}", c.id),
        Some(c),
        |t| fmt(t, subject, &[("reference", &c.reference)]),
        |t| vec![fmt(t, p1, &[("reference", &c.reference), ("due", &t.time(config.tz, due))])],
        None,
        now,
    )
}

/// To the consumer (the platform is now handling it), the merchant and
/// every supervisor: once per complaint each.
/// An escalation's notices are once per complaint, and once per relief
/// the consumer says never arrived.
fn escalation_key(c: &Complaint, reason: EscalationReason, now: DateTime<Utc>) -> String {
    match reason {
        EscalationReason::ReliefNotDelivered => format!("escalation:{}:relief:{}", c.id, now.timestamp()),
        _ => format!("escalation:{}", c.id),
    }
}

pub fn escalation(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    reason: EscalationReason,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let merchant = merchant_name(conn, c.merchant_id)?;
    let words = |t: &Tr| t.get(reason.key()).to_owned();
    super::to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerEscalation,
        format!("{}:consumer", escalation_key(c, reason, now)),
        "mail.escalation_consumer.subject",
        |t| vec![fmt(t, "mail.escalation_consumer.p1", &[("reference", &c.reference), ("reason", &words(t))])],
        |t| fmt(t, "sms.escalation", &[("reference", &c.reference)]),
        now,
    )?;
    to_merchant(
        conn,
        config,
        c.merchant_id,
        MailKind::MerchantEscalation,
        format!("{}:merchant", escalation_key(c, reason, now)),
        Some(c),
        |t| fmt(t, "mail.escalation.subject", &[("reference", &c.reference)]),
        |t| {
            vec![fmt(
                t,
                "mail.escalation.p1",
                &[("reference", &c.reference), ("merchant", &merchant), ("reason", &words(t))],
            )]
        },
        None,
        now,
    )?;
    let t = Lang::ZhCn.tr();
    for to in users::supervisor_emails(conn)? {
        let notice = Notice {
            kind: MailKind::SupervisorEscalation,
            key: format!("{}:{to}", escalation_key(c, reason, now)),
            complaint: Some(c),
            to: &to,
            lang: Lang::ZhCn,
            subject: fmt(&t, "mail.escalation.subject", &[("reference", &c.reference)]),
            greeting: t.get("mail.greeting_supervisor").to_owned(),
            paragraphs: vec![fmt(
                &t,
                "mail.escalation.p1",
                &[("reference", &c.reference), ("merchant", &merchant), ("reason", &words(&t))],
            )],
            link: Some((
                t.get("mail.open_complaint").to_owned(),
                format!("{}/supervisor/complaints/{}", config.public_base(), c.reference),
            )),
        };
        queue(conn, config, notice, now)?;
    }
    Ok(())
}

/// The ruling, to the consumer and the merchant.
/// An action against the merchant, with its reason.
pub fn action(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    action_id: i64,
    kind: ActionKind,
    points: Option<i32>,
    reason: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let label = |t: &Tr| t.get(kind.key()).to_owned();
    let link = |t: &Tr| (t.get("mail.open_actions").to_owned(), format!("{}/merchant/actions", config.public_base()));
    let t = Lang::ZhCn.tr();
    to_merchant(
        conn,
        config,
        merchant_id,
        MailKind::MerchantAction,
        format!("action:{action_id}"),
        None,
        |t| fmt(t, "mail.action.subject", &[("kind", &label(t))]),
        |t| {
            let detail = points.map(|p| t.fmt("action.points", &[("n", &p)])).unwrap_or_default();
            vec![
                fmt(t, "mail.action.p1", &[("kind", &label(t)), ("detail", &detail), ("reason", &reason)]),
                appeal_by(t, config, now),
            ]
        },
        Some(link(&t)),
        now,
    )
}

/// By when the merchant may appeal an action taken `now`: the day and time,
/// not "within 5 days".
pub(super) fn appeal_by(t: &Tr, config: &Config, now: DateTime<Utc>) -> String {
    let windows = AppealWindows::default();
    let by = t.time(config.tz, windows.start_by(now));
    fmt(t, "mail.action.p2", &[("appeal_by", &by), ("days", &windows.start.num_days())])
}

/// An appeal's decision, to the merchant.
pub fn appeal(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    appeal_id: i64,
    kind: ActionKind,
    granted: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let decision =
        |t: &Tr| t.get(if granted { AppealDecision::Granted } else { AppealDecision::Rejected }.key()).to_owned();
    let t = Lang::ZhCn.tr();
    let link = (t.get("mail.open_actions").to_owned(), format!("{}/merchant/actions", config.public_base()));
    to_merchant(
        conn,
        config,
        merchant_id,
        MailKind::MerchantAppeal,
        format!("appeal:{appeal_id}"),
        None,
        |t| fmt(t, "mail.appeal.subject", &[("decision", &decision(t))]),
        |t| {
            vec![fmt(
                t,
                "mail.appeal.p1",
                &[("kind", &t.get(kind.key())), ("decision", &decision(t)), ("reason", &reason)],
            )]
        },
        Some(link),
        now,
    )
}

/// A merchant flagged as a repeat offender, to every supervisor.
pub fn flag(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    flag_id: i64,
    reasons: &[String],
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let name = merchants::find(conn, merchant_id)?.map(|m| m.name).unwrap_or_default();
    let t = Lang::ZhCn.tr();
    let heading =
        (fmt(&t, "mail.flag.subject", &[("merchant", &name)]), fmt(&t, "mail.flag.p1", &[("merchant", &name)]));
    to_supervisors(conn, config, flag_id, heading, reasons, now)
}

/// One of a merchant's hosts or products flagged as a repeat offender, to
/// every supervisor: which thing (`what`, its `name`) and whose.
pub fn flag_about(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    (what, name): (Target, &str),
    flag_id: i64,
    reasons: &[String],
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let merchant = merchants::find(conn, merchant_id)?.map(|m| m.name).unwrap_or_default();
    let t = Lang::ZhCn.tr();
    let args: [(&str, &dyn std::fmt::Display); 3] =
        [("what", &t.get(what.key())), ("name", &name), ("merchant", &merchant)];
    let heading = (fmt(&t, "mail.flag.subject_about", &args), fmt(&t, "mail.flag.p1_about", &args));
    to_supervisors(conn, config, flag_id, heading, reasons, now)
}

/// A flag's notice (its subject line and first paragraph, then the
/// reasons), once to each supervisor.
fn to_supervisors(
    conn: &mut DbConnection,
    config: &Config,
    flag_id: i64,
    (subject, p1): (String, String),
    reasons: &[String],
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let t = Lang::ZhCn.tr();
    for to in users::supervisor_emails(conn)? {
        let mut paragraphs = vec![p1.clone()];
        paragraphs.extend(reasons.iter().cloned());
        let notice = Notice {
            kind: MailKind::SupervisorFlag,
            key: format!("flag:{flag_id}:{to}"),
            complaint: None,
            to: &to,
            lang: Lang::ZhCn,
            subject: subject.clone(),
            greeting: t.get("mail.greeting_supervisor").to_owned(),
            paragraphs,
            link: Some((t.get("mail.open_flags").to_owned(), format!("{}/supervisor/flags", config.public_base()))),
        };
        queue(conn, config, notice, now)?;
    }
    Ok(())
}

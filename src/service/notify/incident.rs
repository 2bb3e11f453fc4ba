//! An incident opened: every supervisor told once, in Chinese, with a link
//! to its page. A collective case ruled: each consumer told, the merchant
//! once.

use chrono::{DateTime, Utc};

use super::{Notice, fmt, queue};
use crate::config::Config;
use crate::domain::state::Outcome;
use crate::i18n::{Lang, Tr};
use crate::store::complaints::Complaint;
use crate::store::outbox::MailKind;
use crate::store::{DbConnection, merchants, users};

/// What the notice says of the incident.
pub struct IncidentNotice<'a> {
    pub id: i64,
    /// The subject's kind in words ("商品") and its name.
    pub what: &'a str,
    pub name: &'a str,
    pub merchant: &'a str,
    pub complaints: usize,
    /// User reports (举报) counted with them.
    pub reports: usize,
    pub hours: i64,
}

/// To each supervisor, under a key per incident and recipient: queued once
/// however often it is called.
pub fn incident_opened(
    conn: &mut DbConnection,
    config: &Config,
    o: &IncidentNotice<'_>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let t = Lang::ZhCn.tr();
    let n = o.complaints + o.reports;
    let args: [(&str, &dyn std::fmt::Display); 7] = [
        ("what", &o.what),
        ("name", &o.name),
        ("merchant", &o.merchant),
        ("n", &n),
        ("c", &o.complaints),
        ("r", &o.reports),
        ("hours", &o.hours),
    ];
    let (subject, p1) = if o.reports == 0 {
        ("mail.incident.subject", "mail.incident.p1")
    } else {
        ("mail.incident.subject_reports", "mail.incident.p1_reports")
    };
    let link = format!("{}/supervisor/incidents/{}", config.public_base(), o.id);
    for to in users::supervisor_emails(conn)? {
        let notice = Notice {
            kind: MailKind::SupervisorIncident,
            key: format!("incident:{}:{to}", o.id),
            complaint: None,
            to: &to,
            lang: Lang::ZhCn,
            subject: fmt(&t, subject, &args),
            greeting: t.get("mail.greeting_supervisor").to_owned(),
            paragraphs: vec![fmt(&t, p1, &args), t.get("mail.incident.p2").to_owned()],
            link: Some((t.get("mail.incident.open").to_owned(), link.clone())),
        };
        queue(conn, config, notice, now)?;
    }
    Ok(())
}

/// A collective case's ruling, to one of its consumers: in their language,
/// by mail and SMS as they can be reached, under the complaint's ruling key
/// (a complaint is ruled once, alone or in a case).
pub fn case_ruling_to_consumer(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    outcome: Outcome,
    body: &str,
    relief: &crate::domain::relief::Relief,
    others: usize,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let words = |t: &Tr| t.get(outcome.key()).to_owned();
    let args = |t: &Tr| [("reference", c.reference.clone()), ("outcome", words(t)), ("n", others.to_string())];
    super::to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerRuling,
        format!("ruling:{}:consumer", c.id),
        "mail.ruling.subject",
        |t| {
            let mut p = vec![fmt_owned(t, "mail.case_ruling.p1", &args(t)), body.to_owned()];
            p.extend(super::relief::relief_lines(t, config, relief, now));
            p
        },
        |t| fmt_owned(t, "sms.case_ruling", &args(t)),
        now,
    )
    .map(drop)
}

/// The ruling, to the merchant once for the whole case: how many of its
/// complaints it closed, and a link to the case's complaints.
pub fn case_ruling_to_merchant(
    conn: &mut DbConnection,
    config: &Config,
    case: i64,
    merchant_id: i64,
    outcome: Outcome,
    body: &str,
    references: &[String],
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Some(m) = merchants::find(conn, merchant_id)? else { return Ok(()) };
    let t = Lang::ZhCn.tr();
    let n = references.len();
    let args: [(&str, &dyn std::fmt::Display); 3] = [("case", &case), ("n", &n), ("outcome", &t.get(outcome.key()))];
    let notice = Notice {
        kind: MailKind::MerchantCaseRuling,
        key: format!("case:{case}:merchant"),
        complaint: None,
        to: &m.email,
        lang: Lang::ZhCn,
        subject: fmt(&t, "mail.case_ruling.subject", &args),
        greeting: fmt(&t, "mail.greeting_merchant", &[("merchant", &m.name)]),
        paragraphs: vec![fmt(&t, "mail.case_ruling.merchant_p1", &args), body.to_owned(), references.join(" ")],
        link: Some((t.get("mail.case_ruling.open").to_owned(), format!("{}/merchant", config.public_base()))),
    };
    queue(conn, config, notice, now).map(drop)
}

fn fmt_owned(t: &Tr, key: &str, args: &[(&str, String); 3]) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> =
        args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
    fmt(t, key, &args)
}

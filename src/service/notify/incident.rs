//! An incident opened: every supervisor told once, in Chinese, with a link
//! to its page.

use chrono::{DateTime, Utc};

use super::{Notice, fmt, queue};
use crate::config::Config;
use crate::i18n::Lang;
use crate::store::outbox::MailKind;
use crate::store::{DbConnection, users};

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
            complaint_id: None,
            to: &to,
            lang: Lang::ZhCn,
            subject: fmt(&t, subject, &args),
            greeting: t.get("mail.greeting_supervisor").to_owned(),
            paragraphs: vec![fmt(&t, p1, &args), t.get("mail.incident.p2").to_owned()],
            link: Some((t.get("mail.incident.open").to_owned(), link.clone())),
        };
        queue(conn, notice, now)?;
    }
    Ok(())
}

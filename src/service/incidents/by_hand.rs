//! An incident opened by hand, from a platform inspection: a supervisor
//! who saw something wrong in a live session does not wait for the
//! threshold. The incident is about the inspected session (or its host),
//! opened once: if one is open about it already the inspection joins
//! that one, and two supervisors pressing at once make one (the unique
//! index `incidents_one_open`, and on PostgreSQL the turns detection
//! takes). The complaints about it within the window join it as they
//! would at the threshold; later ones join it at intake. Supervisors are
//! told once, under the same key as detection's notice.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::incident::{About, IncidentSubject};
use crate::i18n::Lang;
use crate::service::notify::{self, Notice};
use crate::store::incidents as store;
use crate::store::inspections::{self, InspectionRow};
use crate::store::outbox::MailKind;
use crate::store::{DbConnection, QueryError, live, merchants, users};

#[derive(Debug, thiserror::Error)]
pub enum ByHandError {
    #[error("no such inspection")]
    NotFound,
    /// The room was inspected while no session was on: there is nothing
    /// an incident could be about.
    #[error("the inspection is of no session")]
    NoSession,
    #[error(transparent)]
    Db(#[from] QueryError),
}

/// What came of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    pub incident: i64,
    /// Opened now (and supervisors told); otherwise it joined one open
    /// already, or was linked to it before.
    pub opened: bool,
}

/// Opens an incident about the session of inspection `id` (`subject`
/// `Session`, or `Host` for the session's host), or joins the one open
/// about it; once per inspection, however often asked. `by` is the
/// supervisor.
pub fn from_inspection(
    conn: &mut DbConnection,
    config: &Config,
    id: i64,
    subject: IncidentSubject,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Opened, ByHandError> {
    conn.write(|conn| {
        let i = inspections::find(conn, id)?.ok_or(ByHandError::NotFound)?;
        if let Some(incident) = i.incident_id {
            return Ok(Opened { incident, opened: false });
        }
        let session = i.live_session_id.ok_or(ByHandError::NoSession)?;
        // Turns on the session first (then its host), in detection's
        // order: two requests about this inspection, or this session, go
        // one after the other, and the second reads what the first did.
        store::take_turns(conn, About { subject: IncidentSubject::Session, id: session })?;
        let i = inspections::find(conn, id)?.ok_or(ByHandError::NotFound)?;
        if let Some(incident) = i.incident_id {
            return Ok(Opened { incident, opened: false });
        }
        let about = about(conn, session, subject)?;
        if about.subject != IncidentSubject::Session {
            store::take_turns(conn, about)?;
        }
        if let Some(open) = store::open_of(conn, about)? {
            return link(conn, i.id, open.id, false);
        }
        let members = store::naming(conn, about, now - config.incidents.window)?;
        match store::open(conn, i.merchant_id, about, members.len(), now)? {
            Some(incident) => {
                for complaint in &members {
                    store::add(conn, incident, *complaint, Some(by), now)?;
                }
                let opened = link(conn, i.id, incident, true)?;
                tell(conn, config, &i, incident, about, members.len(), now)?;
                Ok(opened)
            }
            // Opened by someone else since we looked: join theirs.
            None => {
                let theirs = store::open_of(conn, about)?.ok_or(QueryError::NotFound)?;
                link(conn, i.id, theirs.id, false)
            }
        }
    })
}

/// What an incident about `session` is about: the session, or its host.
fn about(conn: &mut DbConnection, session: i64, subject: IncidentSubject) -> Result<About, ByHandError> {
    Ok(match subject {
        IncidentSubject::Host => {
            let s = live::find_session(conn, session)?.ok_or(ByHandError::NoSession)?;
            About { subject: IncidentSubject::Host, id: s.host_id }
        }
        _ => About { subject: IncidentSubject::Session, id: session },
    })
}

/// Links the inspection to the incident; if another request linked it
/// first, theirs is the answer.
fn link(conn: &mut DbConnection, id: i64, incident: i64, opened: bool) -> Result<Opened, ByHandError> {
    if inspections::link_incident(conn, id, incident, opened)? {
        return Ok(Opened { incident, opened });
    }
    let linked = inspections::find(conn, id)?.and_then(|i| i.incident_id).ok_or(ByHandError::NotFound)?;
    Ok(Opened { incident: linked, opened: false })
}

/// Every supervisor told of incident `incident`, once, as detection tells
/// them (the same key: one notice per incident and recipient).
fn tell(
    conn: &mut DbConnection,
    config: &Config,
    i: &InspectionRow,
    incident: i64,
    about: About,
    complaints: usize,
    now: DateTime<Utc>,
) -> Result<(), QueryError> {
    let t = Lang::ZhCn.tr();
    let name = super::name_of(conn, &t, config.tz, about)?;
    let merchant = merchants::find(conn, i.merchant_id)?.map(|m| m.name).unwrap_or_default();
    let who = users::find(conn, i.supervisor_id)?.map(|u| u.email).unwrap_or_default();
    let what = t.get(about.subject.key());
    let args: [(&str, &dyn std::fmt::Display); 7] = [
        ("what", &what),
        ("name", &name),
        ("merchant", &merchant),
        ("who", &who),
        ("inspection", &i.id),
        ("n", &complaints),
        ("hours", &config.incidents.hours()),
    ];
    let link = format!("{}/supervisor/incidents/{incident}", config.public_base());
    for to in users::supervisor_emails(conn)? {
        let notice = Notice {
            kind: MailKind::SupervisorIncident,
            key: format!("incident:{incident}:{to}"),
            complaint: None,
            to: &to,
            lang: Lang::ZhCn,
            subject: t.fmt("mail.incident_by_hand.subject", &args),
            greeting: t.get("mail.greeting_supervisor").to_owned(),
            paragraphs: vec![t.fmt("mail.incident_by_hand.p1", &args), t.fmt("mail.incident_by_hand.p2", &args)],
            link: Some((t.get("mail.incident.open").to_owned(), link.clone())),
        };
        notify::queue(conn, config, notice, now)?;
    }
    store::notified(conn, incident, now)
}

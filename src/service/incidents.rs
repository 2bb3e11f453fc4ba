//! Incident detection, incremental, at intake: in the complaint's own
//! transaction, for each product, live session and host the complaint
//! names, it joins that subject's open incident; else the subject's
//! complaints of the window are counted (a range of its index, never the
//! table) and at the threshold one incident is opened with all of them,
//! and supervisors are told once. A user report (举报) naming a session,
//! and so its host, counts with the complaints naming them, in its own
//! transaction, the same way ([`after_report`]). What the pages show is
//! in [`record`].

pub mod by_hand;
pub mod case;
pub mod record;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::incident::{About, IncidentState, IncidentSubject};
use crate::i18n::Tr;
use crate::service::notify::{self, IncidentNotice};
use crate::store::complaints::Complaint;
use crate::store::incidents as store;
use crate::store::reports::ReportRow;
use crate::store::{DbConnection, QueryError, from_db, live, merchants};

/// What intake did about incidents, for the caller and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Detected {
    /// Incidents opened by this complaint.
    pub opened: Vec<i64>,
    /// Open incidents it joined.
    pub joined: Vec<i64>,
}

/// What arrived and is counted: a complaint or a user report (举报).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    Complaint(i64),
    Report(i64),
}

/// Runs detection for the complaint `filed`, just stored at `now`, inside
/// its transaction.
pub fn after_intake(
    conn: &mut DbConnection,
    config: &Config,
    filed: &Complaint,
    now: DateTime<Utc>,
) -> Result<Detected, QueryError> {
    let abouts = About::named(filed.product_id, filed.live_session_id, filed.host_id);
    detect(conn, config, filed.merchant_id, &abouts, Arrival::Complaint(filed.id), now)
}

/// Runs detection for the report `made`, just stored at `now`, inside its
/// transaction: it counts toward its session and host (not its room
/// alone) as a complaint naming them would.
pub fn after_report(
    conn: &mut DbConnection,
    config: &Config,
    made: &ReportRow,
    now: DateTime<Utc>,
) -> Result<Detected, QueryError> {
    let abouts = About::named(None, made.live_session_id, made.host_id);
    detect(conn, config, made.merchant_id, &abouts, Arrival::Report(made.id), now)
}

/// For each of `abouts`: `arrival` joins its open incident, or the
/// complaints and reports of the window are counted and, at the threshold,
/// one incident is opened with all of them.
fn detect(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    abouts: &[About],
    arrival: Arrival,
    now: DateTime<Utc>,
) -> Result<Detected, QueryError> {
    let mut done = Detected::default();
    if abouts.is_empty() {
        return Ok(done);
    }
    for about in abouts {
        store::take_turns(conn, *about)?;
    }
    // Two statements whatever it names: the incidents about its product,
    // session and host open or closed within the window, and their counts
    // in the window — from the latest closing, where one was closed in
    // it: what a supervisor dismissed or ruled on is not counted again.
    let window = now - config.incidents.window;
    let (open, closed): (Vec<_>, Vec<_>) =
        store::open_of_any(conn, abouts, window)?.into_iter().partition(|i| i.state != IncidentState::Closed);
    let since = |about: About| {
        let closing = closed.iter().filter(|c| c.about() == about).filter_map(|c| c.closed_at).max();
        // Strictly after it: what was filed in the same instant was there
        // to be decided on.
        closing.map_or(window, |at| (from_db(at) + chrono::Duration::microseconds(1)).max(window))
    };
    let by_subject = |subject| abouts.iter().find(|a| a.subject == subject).map_or(window, |a| since(*a));
    let counts = if abouts.iter().all(|a| open.iter().any(|o| o.about() == *a)) {
        [0; 3]
    } else {
        let subjects = [IncidentSubject::Product, IncidentSubject::Session, IncidentSubject::Host];
        store::counts_naming(conn, abouts, subjects.map(by_subject))?
    };
    for &about in abouts {
        if let Some(open) = open.iter().find(|o| o.about() == about) {
            join(conn, open.id, arrival, now)?;
            done.joined.push(open.id);
            continue;
        }
        let count = match about.subject {
            IncidentSubject::Product => counts[0],
            IncidentSubject::Session => counts[1],
            IncidentSubject::Host => counts[2],
        };
        if !config.incidents.reached(count) {
            continue;
        }
        let complaints = store::naming(conn, about, since(about))?;
        let reports = store::reports_naming(conn, about, since(about))?;
        match store::open(conn, merchant_id, about, complaints.len(), now)? {
            Some(id) => {
                for complaint in &complaints {
                    store::add(conn, id, *complaint, None, now)?;
                }
                for report in &reports {
                    store::add_report(conn, id, *report, now)?;
                }
                tell(conn, config, id, merchant_id, about, (complaints.len(), reports.len()), now)?;
                done.opened.push(id);
            }
            // Opened by someone else since we looked (the unique index
            // said so): this joins theirs.
            None => {
                let theirs = store::open_of(conn, about)?.ok_or(QueryError::NotFound)?;
                join(conn, theirs.id, arrival, now)?;
                done.joined.push(theirs.id);
            }
        }
    }
    Ok(done)
}

fn join(conn: &mut DbConnection, incident: i64, arrival: Arrival, now: DateTime<Utc>) -> Result<(), QueryError> {
    match arrival {
        Arrival::Complaint(id) => {
            store::add(conn, incident, id, None, now)?;
            store::joined(conn, incident, now)
        }
        Arrival::Report(id) => {
            store::add_report(conn, incident, id, now)?;
            store::report_joined(conn, incident, now)
        }
    }
}

/// Every supervisor told of incident `id`, once (the notice's key is the
/// incident's), and the incident marked as told.
fn tell(
    conn: &mut DbConnection,
    config: &Config,
    id: i64,
    merchant_id: i64,
    about: About,
    (complaints, reports): (usize, usize),
    now: DateTime<Utc>,
) -> Result<(), QueryError> {
    let t = crate::i18n::Lang::ZhCn.tr();
    let name = name_of(conn, &t, config.tz, about)?;
    let merchant = merchants::find(conn, merchant_id)?.map(|m| m.name).unwrap_or_default();
    let notice = IncidentNotice {
        id,
        what: t.get(about.subject.key()),
        name: &name,
        merchant: &merchant,
        complaints,
        reports,
        hours: config.incidents.hours(),
    };
    notify::incident_opened(conn, config, &notice, now)?;
    store::notified(conn, id, now)
}

/// The subject's name as supervisors know it: the product's name, the
/// host's display name, or a session's room and start time.
pub fn name_of(conn: &mut DbConnection, t: &Tr, tz: chrono_tz::Tz, about: About) -> Result<String, QueryError> {
    Ok(match about.subject {
        IncidentSubject::Product => live::find_product(conn, about.id)?.map(|p| p.name),
        IncidentSubject::Host => live::find_host(conn, about.id)?.map(|h| h.display_name),
        IncidentSubject::Session => match live::find_session(conn, about.id)? {
            Some(s) => {
                let room = live::find_room(conn, s.room_id)?.map(|r| r.name).unwrap_or_default();
                let start = t.time(tz, from_db(s.started_at));
                Some(t.fmt("incident.session_name", &[("room", &room), ("start", &start)]))
            }
            None => None,
        },
    }
    .unwrap_or_else(|| format!("#{}", about.id)))
}

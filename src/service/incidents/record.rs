//! What the supervisors' incident pages show: the list, and one incident
//! with its complaints, what it is about (and where that thing's page is),
//! and its merchant's record.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};

use crate::domain::incident::{About, IncidentState, IncidentSubject};
use crate::domain::live::{HostStatus, Review, RoomStatus, Target};
use crate::i18n::Tr;
use crate::store::actions::{self, ActionRow};
use crate::store::cases::{self, Candidate};
use crate::store::incidents::{self as store, IncidentRow, Member};
use crate::store::merchants::{self, Merchant};
use crate::store::{DbConnection, QueryError, live};

/// The list shows this many incidents of each state at most.
pub const LIST_AT_MOST: i64 = 200;

/// An incident on the list, with the names of what it is about and whose.
pub struct Listed {
    pub incident: IncidentRow,
    pub name: String,
    pub merchant: String,
}

/// Open incidents first, then collective cases, then closed ones, each
/// newest first; one look-up per subject and merchant named.
pub fn list(conn: &mut DbConnection, t: &Tr, tz: chrono_tz::Tz) -> Result<Vec<Listed>, QueryError> {
    let rows = store::listed(conn, LIST_AT_MOST)?;
    let mut names: HashMap<About, String> = HashMap::new();
    let mut merchant_names: HashMap<i64, String> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for incident in rows {
        let about = incident.about();
        if let Entry::Vacant(e) = names.entry(about) {
            e.insert(super::name_of(conn, t, tz, about)?);
        }
        if let Entry::Vacant(e) = merchant_names.entry(incident.merchant_id) {
            e.insert(merchants::find(conn, incident.merchant_id)?.map(|m| m.name).unwrap_or_default());
        }
        out.push(Listed {
            name: names[&about].clone(),
            merchant: merchant_names[&incident.merchant_id].clone(),
            incident,
        });
    }
    Ok(out)
}

/// A page of the supervisors' the incident leads to: a product's, a
/// room's or a host's, and the thing's name.
pub struct Link {
    pub target: Target,
    pub id: i64,
    pub name: String,
    /// Where it stands (which measures it is open to).
    pub status: Status,
}

/// A room's, host's or product's standing.
#[derive(Debug, Clone, Copy)]
pub enum Status {
    Room(RoomStatus),
    Host(HostStatus),
    Product(Review),
}

impl Link {
    pub fn href(&self) -> String {
        format!("/supervisor/{}s/{}", self.target.slug(), self.id)
    }
}

/// One incident, everything its page shows.
pub struct Record {
    pub incident: IncidentRow,
    pub name: String,
    /// The pages of what it is about: the product, or the host, or the
    /// session's room and host.
    pub links: Vec<Link>,
    pub members: Vec<Member>,
    /// The user reports (举报) counted in it, in the order they came.
    pub reports: Vec<crate::store::reports::ReportRow>,
    pub merchant: Merchant,
    /// The merchant's actions in force (not ended), newest first, and the
    /// names of the things they are on.
    pub actions: Vec<ActionRow>,
    pub action_names: HashMap<(Target, i64), String>,
}

/// Incident `id`, or none if there is no such incident.
/// Its merchant's measures in force are those at `now`.
pub fn record(
    conn: &mut DbConnection,
    t: &Tr,
    tz: chrono_tz::Tz,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Record>, QueryError> {
    let Some(incident) = store::find(conn, id)? else { return Ok(None) };
    let about = incident.about();
    let merchant = merchants::find(conn, incident.merchant_id)?.ok_or(QueryError::NotFound)?;
    let actions: Vec<ActionRow> = actions::for_merchant_at(conn, incident.merchant_id, now)?
        .into_iter()
        .filter(|a| a.ended_at.is_none() && a.kind.is_ongoing())
        .collect();
    Ok(Some(Record {
        name: super::name_of(conn, t, tz, about)?,
        links: links(conn, about)?,
        members: store::members(conn, id)?,
        reports: crate::store::reports::of_incident(conn, id)?,
        action_names: live::target_names(conn, &actions)?,
        actions,
        merchant,
        incident,
    }))
}

/// The supervisors' pages of what `about` is about: the product, or the
/// host, or the session's room and host.
pub fn links(conn: &mut DbConnection, about: About) -> Result<Vec<Link>, QueryError> {
    let product = |conn: &mut DbConnection, id| -> Result<Option<Link>, QueryError> {
        Ok(live::find_product(conn, id)?.map(|p| Link {
            target: Target::Product,
            id,
            name: p.name,
            status: Status::Product(p.review),
        }))
    };
    let host = |conn: &mut DbConnection, id| -> Result<Option<Link>, QueryError> {
        Ok(live::find_host(conn, id)?.map(|h| Link {
            target: Target::Host,
            id,
            name: h.display_name,
            status: Status::Host(h.status),
        }))
    };
    Ok(match about.subject {
        IncidentSubject::Product => product(conn, about.id)?.into_iter().collect(),
        IncidentSubject::Host => host(conn, about.id)?.into_iter().collect(),
        IncidentSubject::Session => match live::find_session(conn, about.id)? {
            Some(s) => {
                let room = live::find_room(conn, s.room_id)?.map(|r| Link {
                    target: Target::Room,
                    id: r.id,
                    name: r.name,
                    status: Status::Room(r.status),
                });
                room.into_iter().chain(host(conn, s.host_id)?).collect()
            }
            None => Vec::new(),
        },
    })
}

/// Complaints a case's page offers to add: those a search found (none
/// without one), and those about the incident's subject not in it. None
/// once the incident is closed.
#[derive(Default)]
pub struct Found {
    pub searched: Vec<Candidate>,
    pub suggested: Vec<Candidate>,
}

pub fn found(conn: &mut DbConnection, r: &Record, q: &str, now: DateTime<Utc>) -> Result<Found, QueryError> {
    let i = &r.incident;
    if i.state == IncidentState::Closed {
        return Ok(Found::default());
    }
    let searched = if q.is_empty() { Vec::new() } else { cases::search(conn, i.id, i.merchant_id, q, now)? };
    Ok(Found { searched, suggested: cases::suggested(conn, i.id, i.about(), now)? })
}

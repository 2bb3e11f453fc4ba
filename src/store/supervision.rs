//! The supervisors' queue and who holds which escalated complaint.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::complaints::Complaint;
use super::schema::{complaint_claims, complaints, merchants, users};
use super::{DbConnection, state_is, to_db};
use crate::domain::category::Category;
use crate::domain::state::{EscalationReason, Outcome, State};

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub reason: Option<EscalationReason>,
    pub merchant_id: Option<i64>,
    /// Merchants whose name contains this (when no id is given).
    pub merchant_name: Option<String>,
    pub category: Option<Category>,
}

/// An escalated complaint, its merchant, and the supervisor holding it.
pub type QueueRow = (Complaint, String, Option<String>);

/// Escalated complaints, oldest escalation first (a range over the
/// `(state, escalated_at, id)` index).
pub fn queue(conn: &mut DbConnection, filter: QueueFilter, limit: i64) -> QueryResult<Vec<QueueRow>> {
    rows(conn, Part::Escalated(None), filter, limit)
}

/// Complaints flagged high-risk at intake (or by a reply), escalated or
/// not, oldest first: the top of the queue (a range over the partial
/// `complaints_high_risk` index, which holds only those).
pub fn high_risk(conn: &mut DbConnection, filter: QueueFilter, limit: i64) -> QueryResult<Vec<QueueRow>> {
    rows(conn, Part::HighRisk(None), filter, limit)
}

/// Where a page of the queue starts: after the complaint escalated (for
/// the escalated part) or filed (for the high-risk part) at this time
/// with this id.
pub type After = (NaiveDateTime, i64);

/// One page of a part of the queue, in the queue's order, after `after`
/// (the API's cursor; the same index ranges as the page's queue).
pub fn queue_page(
    conn: &mut DbConnection,
    high_risk: bool,
    filter: QueueFilter,
    after: Option<After>,
    limit: i64,
) -> QueryResult<Vec<QueueRow>> {
    rows(conn, if high_risk { Part::HighRisk(after) } else { Part::Escalated(after) }, filter, limit)
}

/// Complaints in any state that `search` names (`store::search`), with
/// the queue's filters, newest first: one page, and the id the next one
/// starts below.
pub fn search(
    conn: &mut DbConnection,
    search: &crate::domain::search::Search,
    filter: QueueFilter,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<(Vec<QueueRow>, Option<i64>)> {
    let mut parts = Vec::new();
    for key in super::search::keys(search) {
        parts.push(rows(conn, Part::Search(key, after), filter.clone(), limit + 1)?);
    }
    Ok(super::search::merge(parts, |(c, _, _)| c.id, limit))
}

/// The two parts of the queue, and a search.
enum Part<'a> {
    Escalated(Option<After>),
    HighRisk(Option<After>),
    Search(super::search::Key<'a>, Option<i64>),
}

fn rows(conn: &mut DbConnection, part: Part<'_>, filter: QueueFilter, limit: i64) -> QueryResult<Vec<QueueRow>> {
    let q = complaints::table
        .inner_join(merchants::table)
        .left_join(complaint_claims::table.left_join(users::table))
        .select((Complaint::as_select(), merchants::name, users::email.nullable()))
        .limit(limit)
        .into_boxed();
    let searched = matches!(part, Part::Search(..));
    let mut q = match part {
        Part::Escalated(after) => {
            let q = q.filter(state_is(State::Escalated)).order((complaints::escalated_at.asc(), complaints::id.asc()));
            match after {
                Some((at, id)) => q.filter(
                    complaints::escalated_at
                        .gt(at)
                        .or(complaints::escalated_at.eq(at).and(complaints::id.gt(id)).nullable()),
                ),
                None => q,
            }
        }
        // Written out so that both databases see it matches the index's
        // predicate (the value is our own constant).
        Part::HighRisk(after) => {
            let q = q
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("complaints.risk_state = 'high'"))
                .order((complaints::submitted_at.asc(), complaints::id.asc()));
            match after {
                Some((at, id)) => q.filter(
                    complaints::submitted_at.gt(at).or(complaints::submitted_at.eq(at).and(complaints::id.gt(id))),
                ),
                None => q,
            }
        }
        Part::Search(key, after) => super::search::by_key!(q, key, after),
    };
    if let Some(reason) = filter.reason {
        q = q.filter(complaints::escalation_reason.eq(reason));
    }
    if let Some(id) = filter.merchant_id {
        q = if searched { q.filter(super::search::of_merchant(id)) } else { q.filter(complaints::merchant_id.eq(id)) };
    } else if let Some(name) = filter.merchant_name.as_deref() {
        let escaped = name.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        q = q.filter(merchants::name.like(format!("%{escaped}%")).escape('\\'));
    }
    if let Some(category) = filter.category {
        q = q.filter(complaints::category.eq(category));
    }
    q.load(conn)
}

/// Any complaint by reference, with its merchant's name.
pub fn find(conn: &mut DbConnection, reference: &str) -> QueryResult<Option<(Complaint, String)>> {
    complaints::table
        .inner_join(merchants::table)
        .filter(complaints::reference.eq(reference))
        .select((Complaint::as_select(), merchants::name))
        .first(conn)
        .optional()
}

/// The supervisor holding a complaint: (user id, e-mail).
pub fn holder(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Option<(i64, String)>> {
    complaint_claims::table
        .inner_join(users::table)
        .filter(complaint_claims::complaint_id.eq(complaint_id))
        .select((users::id, users::email))
        .first(conn)
        .optional()
}

pub fn claim(conn: &mut DbConnection, complaint_id: i64, user_id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(complaint_claims::table)
        .values((
            complaint_claims::complaint_id.eq(complaint_id),
            complaint_claims::user_id.eq(user_id),
            complaint_claims::claimed_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(drop)
}

pub fn release(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<()> {
    diesel::delete(complaint_claims::table.filter(complaint_claims::complaint_id.eq(complaint_id)))
        .execute(conn)
        .map(drop)
}

pub fn set_outcome(conn: &mut DbConnection, complaint_id: i64, outcome: Outcome) -> QueryResult<()> {
    diesel::update(complaints::table.find(complaint_id)).set(complaints::outcome.eq(outcome)).execute(conn).map(drop)
}

/// The merchant the queue's filter names: by id, or by a name only one
/// merchant's contains. `None` when no merchant, or several, match.
pub fn merchant_named(conn: &mut DbConnection, text: &str) -> QueryResult<Option<(i64, String)>> {
    if let Ok(id) = text.parse::<i64>() {
        return merchants::table.find(id).select((merchants::id, merchants::name)).first(conn).optional();
    }
    let found = super::merchants::search(conn, text, 0, 2)?;
    Ok(match found.as_slice() {
        [only] => Some((only.id, only.name.clone())),
        _ => None,
    })
}

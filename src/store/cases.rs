//! Collective cases (集体投诉): what a supervisor changes of an incident —
//! making it a case, its complaints, its ruling or dismissal — and what a
//! complaint's pages say of the case it is in. Every change of state is
//! conditional on the state read (`WHERE state = …`), so two supervisors
//! acting at once change it once.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::schema::{complaints, incident_complaints, incidents};
use super::{DbConnection, to_db};
use crate::domain::incident::{About, IncidentState, IncidentSubject};
use crate::domain::state::Outcome;

/// How far back a case's search and suggestions look: its merchant's
/// complaints of these last days (a range of `complaints_merchant_submitted`
/// or of the subject's index).
pub const LOOK_BACK: Duration = Duration::days(90);

/// At most this many complaints found by one search or suggested.
pub const FOUND_AT_MOST: i64 = 30;

/// Makes open incident `id` a collective case; false when it is not open
/// (any more).
pub fn make_collective(conn: &mut DbConnection, id: i64, by: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    diesel::update(incidents::table.filter(incidents::id.eq(id)).filter(incidents::state.eq(IncidentState::Open)))
        .set((
            incidents::state.eq(IncidentState::Collective),
            incidents::collective_at.eq(to_db(now)),
            incidents::collective_by.eq(by),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Whether complaint `complaint_id` is in incident `id`.
pub fn holds(conn: &mut DbConnection, id: i64, complaint_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        incident_complaints::table
            .filter(incident_complaints::incident_id.eq(id))
            .filter(incident_complaints::complaint_id.eq(complaint_id)),
    ))
    .get_result(conn)
}

/// One complaint more (or fewer) in incident `id`.
pub fn count_by(conn: &mut DbConnection, id: i64, by: i32) -> QueryResult<()> {
    diesel::update(incidents::table.find(id))
        .set(incidents::complaint_count.eq(incidents::complaint_count + by))
        .execute(conn)
        .map(drop)
}

/// Takes complaint `complaint_id` out of incident `id`; false when it was
/// not in it.
pub fn remove(conn: &mut DbConnection, id: i64, complaint_id: i64) -> QueryResult<bool> {
    diesel::delete(
        incident_complaints::table
            .filter(incident_complaints::incident_id.eq(id))
            .filter(incident_complaints::complaint_id.eq(complaint_id)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

/// How incident `id` ends.
pub enum Closing<'a> {
    Ruled { outcome: Outcome, ruling: &'a str },
    Dismissed { reason: &'a str },
}

/// Closes incident `id` if it is in `from` (a collective case is ruled, an
/// open incident ruled or dismissed); false when it is not (any more) —
/// someone else closed it first.
pub fn close(
    conn: &mut DbConnection,
    id: i64,
    from: IncidentState,
    how: Closing<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let target = incidents::table.filter(incidents::id.eq(id)).filter(incidents::state.eq(from));
    let closed =
        (incidents::state.eq(IncidentState::Closed), incidents::closed_at.eq(to_db(now)), incidents::closed_by.eq(by));
    match how {
        Closing::Ruled { outcome, ruling } => diesel::update(target)
            .set((closed, incidents::outcome.eq(outcome.slug()), incidents::ruling.eq(ruling)))
            .execute(conn),
        Closing::Dismissed { reason } => {
            diesel::update(target).set((closed, incidents::dismissed_reason.eq(reason))).execute(conn)
        }
    }
    .map(|n| n == 1)
}

/// A complaint a case's page offers to add: found by a search, or about
/// the case's subject and not in it.
#[derive(Debug, Clone, Queryable)]
pub struct Candidate {
    pub id: i64,
    pub reference: String,
    pub order_ref: String,
    pub description: String,
    pub submitted_at: chrono::NaiveDateTime,
}

/// The merchant's complaints of the last [`LOOK_BACK`] whose reference or
/// order number is `q`, or whose description holds it; newest first, those
/// already in incident `id` left out.
pub fn search(
    conn: &mut DbConnection,
    id: i64,
    merchant_id: i64,
    q: &str,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Candidate>> {
    let contains = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let members = incident_complaints::table
        .filter(incident_complaints::incident_id.eq(id))
        .select(incident_complaints::complaint_id);
    complaints::table
        .filter(complaints::merchant_id.eq(merchant_id))
        .filter(complaints::submitted_at.ge(to_db(now - LOOK_BACK)))
        .filter(
            complaints::reference
                .eq(q)
                .or(complaints::order_ref.eq(q))
                .or(complaints::description.like(contains).escape('\\')),
        )
        .filter(complaints::id.ne_all(members))
        .order((complaints::submitted_at.desc(), complaints::id.desc()))
        .limit(FOUND_AT_MOST)
        .select(candidate())
        .load(conn)
}

/// Complaints of the last [`LOOK_BACK`] about `about` that are not in
/// incident `id`, newest first: a range of the subject's index.
pub fn suggested(conn: &mut DbConnection, id: i64, about: About, now: DateTime<Utc>) -> QueryResult<Vec<Candidate>> {
    let members = incident_complaints::table
        .filter(incident_complaints::incident_id.eq(id))
        .select(incident_complaints::complaint_id);
    let mut q = complaints::table.into_boxed();
    q = match about.subject {
        IncidentSubject::Product => q.filter(complaints::product_id.eq(about.id)),
        IncidentSubject::Session => q.filter(complaints::live_session_id.eq(about.id)),
        IncidentSubject::Host => q.filter(complaints::host_id.eq(about.id)),
    };
    q.filter(complaints::submitted_at.ge(to_db(now - LOOK_BACK)))
        .filter(complaints::id.ne_all(members))
        .order((complaints::submitted_at.desc(), complaints::id.desc()))
        .limit(FOUND_AT_MOST)
        .select(candidate())
        .load(conn)
}

#[allow(clippy::type_complexity)]
fn candidate()
-> (complaints::id, complaints::reference, complaints::order_ref, complaints::description, complaints::submitted_at) {
    (complaints::id, complaints::reference, complaints::order_ref, complaints::description, complaints::submitted_at)
}

/// The collective case complaint `complaint_id` is in, if any (a case made
/// of an incident, ruled or not): its id and how many complaints it holds.
/// A range of `incident_complaints_complaint`.
pub fn case_of(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Option<(i64, i32)>> {
    incident_complaints::table
        .inner_join(incidents::table)
        .filter(incident_complaints::complaint_id.eq(complaint_id))
        .filter(incidents::collective_at.is_not_null())
        .order(incidents::collective_at.desc())
        .select((incidents::id, incidents::complaint_count))
        .first(conn)
        .optional()
}

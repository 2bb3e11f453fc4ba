//! Incidents and their complaints. Detection's queries, run at intake, are
//! each a range of one index: the subject's open incident of
//! `incidents_subject`, the subject's complaints of the window of
//! `complaints_{product,session,host}_submitted` (partial indexes on
//! `(…_id, submitted_at)`) and the reports naming its session or host, of
//! `reports_{session,host}_created`. The supervisors' list reads
//! `incidents_state_opened`, a range per state.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::schema::{complaints, incident_complaints, incident_reports, incidents, reports};
use super::{DbConnection, to_db};
use crate::domain::category::Category;
use crate::domain::incident::{About, IncidentState, IncidentSubject};
use crate::domain::state::{Outcome, State};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = incidents)]
pub struct IncidentRow {
    pub id: i64,
    pub merchant_id: i64,
    pub subject: IncidentSubject,
    pub subject_id: i64,
    pub state: IncidentState,
    pub opened_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
    pub complaint_count: i32,
    pub notified_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    /// When it was made a collective case, and by which supervisor.
    pub collective_at: Option<NaiveDateTime>,
    pub collective_by: Option<i64>,
    /// A collective case's ruling.
    pub outcome: Option<Outcome>,
    pub ruling: Option<String>,
    /// Who ruled on it or dismissed it, and why it was dismissed.
    pub closed_by: Option<i64>,
    pub dismissed_reason: Option<String>,
}

impl IncidentRow {
    pub fn about(&self) -> About {
        About { subject: self.subject, id: self.subject_id }
    }
}

diesel::define_sql_function! {
    /// PostgreSQL: waits for, then holds until the transaction ends, the
    /// lock named by the two keys (a key space apart from the one-key
    /// locks of `jobs`).
    fn pg_advisory_xact_lock(class: diesel::sql_types::Integer, key: diesel::sql_types::Integer);
}

/// The lock class of incident detection, by subject (two 32-bit keys).
fn lock_class(subject: IncidentSubject) -> i32 {
    // "inc" and the subject's place: stable across processes and versions.
    0x696e_6300
        + match subject {
            IncidentSubject::Product => 1,
            IncidentSubject::Session => 2,
            IncidentSubject::Host => 3,
        }
}

/// Makes the intakes naming `about` take turns until this transaction
/// ends. On PostgreSQL two intakes run at once (in one instance or two),
/// and each would count its own complaint and not yet the other's: four
/// and four, where there are five. Taken in the order [`About::named`]
/// gives, so no two intakes wait for each other crosswise. SQLite writes
/// one transaction at a time already: nothing to do.
pub fn take_turns(conn: &mut DbConnection, about: About) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        // An id past 2³¹ shares its key with another: they take turns too.
        let key = about.id as i32;
        diesel::select(pg_advisory_xact_lock(lock_class(about.subject), key)).execute(pg)?;
    }
    Ok(())
}

/// The incident about `about` not yet closed (open, or a collective case
/// not yet ruled), if any: a range of `incidents_subject`.
pub fn open_of(conn: &mut DbConnection, about: About) -> QueryResult<Option<IncidentRow>> {
    crate::on_backend!(conn, |c| incidents::table
        .filter(incidents::subject.eq(about.subject))
        .filter(incidents::subject_id.eq(about.id))
        .filter(incidents::state.ne(IncidentState::Closed))
        .select(IncidentRow::as_select())
        .first(c)
        .optional())
}

/// The ids a complaint names, as detection reads them: product, session,
/// host; 0 (no row's id) for what it does not name, so that the statements
/// below have one shape, prepared once.
fn ids(abouts: &[About]) -> [i64; 3] {
    let id = |s: IncidentSubject| abouts.iter().find(|a| a.subject == s).map_or(0, |a| a.id);
    [id(IncidentSubject::Product), id(IncidentSubject::Session), id(IncidentSubject::Host)]
}

/// The incidents about any of `abouts` not yet closed, or closed since
/// `since` (the start of the window: what was counted before a
/// supervisor closed an incident is not counted again), in one look-up, a
/// range of `incidents_subject` for each.
pub fn open_of_any(conn: &mut DbConnection, abouts: &[About], since: DateTime<Utc>) -> QueryResult<Vec<IncidentRow>> {
    let [product, session, host] = ids(abouts);
    // The subject in each term: each is a range of `incidents_subject`
    // (SQLite's multi-index OR), not of every open incident.
    let since = to_db(since);
    let about = |s: IncidentSubject, id: i64| {
        incidents::subject
            .eq(s)
            .and(incidents::subject_id.eq(id))
            .and(incidents::state.ne(IncidentState::Closed).or(incidents::closed_at.ge(since)))
    };
    crate::on_backend!(conn, |c| incidents::table
        .filter(
            about(IncidentSubject::Product, product)
                .or(about(IncidentSubject::Session, session))
                .or(about(IncidentSubject::Host, host)),
        )
        .select(IncidentRow::as_select())
        .load(c))
}

/// [`count_naming`] for each of `abouts` at once, in one statement (each
/// count from its subject's index alone); 0 for what is not named. A
/// session's and a host's count the reports naming them too (a report
/// names no product).
/// Each subject is counted from its own `since` (product, session, host).
pub fn counts_naming(conn: &mut DbConnection, abouts: &[About], since: [DateTime<Utc>; 3]) -> QueryResult<[i64; 3]> {
    use diesel::dsl::count_star;
    let [product, session, host] = ids(abouts);
    let (at, seen) = (complaints::submitted_at, reports::created_at);
    let [from_product, from_session, from_host] = since.map(to_db);
    type Counts = (Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let counts: Counts = crate::on_backend!(conn, |c| diesel::select((
        complaints::table
            .filter(complaints::product_id.eq(product))
            .filter(at.ge(from_product))
            .select(count_star())
            .single_value(),
        complaints::table
            .filter(complaints::live_session_id.eq(session))
            .filter(at.ge(from_session))
            .select(count_star())
            .single_value(),
        complaints::table
            .filter(complaints::host_id.eq(host))
            .filter(at.ge(from_host))
            .select(count_star())
            .single_value(),
        reports::table
            .filter(reports::live_session_id.eq(session))
            .filter(seen.ge(from_session))
            .select(count_star())
            .single_value(),
        reports::table.filter(reports::host_id.eq(host)).filter(seen.ge(from_host)).select(count_star()).single_value(),
    ))
    .get_result(c))?;
    let n = |count: Option<i64>| count.unwrap_or(0);
    Ok([n(counts.0), n(counts.1) + n(counts.3), n(counts.2) + n(counts.4)])
}

/// Complaints and reports naming `about` filed since `since`: just the
/// number, read from the subject's indexes alone. No upper bound: one
/// another intake stamped a moment later than this one but committed
/// first counts too (or with two intakes each leaving out the other,
/// neither would see five).
pub fn count_naming(conn: &mut DbConnection, about: About, since: DateTime<Utc>) -> QueryResult<i64> {
    Ok(counts_naming(conn, &[about], [since; 3])?.into_iter().sum())
}

/// The ids of the complaints naming `about` filed since `since`, in the
/// order they arrived: the same range as [`count_naming`].
pub fn naming(conn: &mut DbConnection, about: About, since: DateTime<Utc>) -> QueryResult<Vec<i64>> {
    let (since, id) = (to_db(since), about.id);
    let at = complaints::submitted_at;
    let q: complaints::BoxedQuery<'static, super::MultiBackend> = match about.subject {
        IncidentSubject::Product => complaints::table.filter(complaints::product_id.eq(id)).into_boxed(),
        IncidentSubject::Session => complaints::table.filter(complaints::live_session_id.eq(id)).into_boxed(),
        IncidentSubject::Host => complaints::table.filter(complaints::host_id.eq(id)).into_boxed(),
    };
    q.filter(at.ge(since)).order((at, complaints::id)).select(complaints::id).load(conn)
}

/// The ids of the reports naming `about` made since `since`, in the order
/// they arrived (none for a product: a report names a room or session).
pub fn reports_naming(conn: &mut DbConnection, about: About, since: DateTime<Utc>) -> QueryResult<Vec<i64>> {
    let (since, id) = (to_db(since), about.id);
    let q: reports::BoxedQuery<'static, super::MultiBackend> = match about.subject {
        IncidentSubject::Product => return Ok(Vec::new()),
        IncidentSubject::Session => reports::table.filter(reports::live_session_id.eq(id)).into_boxed(),
        IncidentSubject::Host => reports::table.filter(reports::host_id.eq(id)).into_boxed(),
    };
    q.filter(reports::created_at.ge(since)).order((reports::created_at, reports::id)).select(reports::id).load(conn)
}

/// A new open incident about `about`, of `merchant_id`'s, with `count`
/// complaints (added by [`add`]). `None` when another open incident about
/// it exists already (the unique index `incidents_one_open` refused this
/// one): someone else opened it first. Tried in a savepoint, because on
/// PostgreSQL a failed statement spoils the transaction around it.
pub fn open(
    conn: &mut DbConnection,
    merchant_id: i64,
    about: About,
    count: usize,
    now: DateTime<Utc>,
) -> QueryResult<Option<i64>> {
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(incidents::table)
            .values((
                incidents::merchant_id.eq(merchant_id),
                incidents::subject.eq(about.subject),
                incidents::subject_id.eq(about.id),
                incidents::state.eq(IncidentState::Open),
                incidents::opened_at.eq(to_db(now)),
                incidents::last_at.eq(to_db(now)),
                incidents::complaint_count.eq(count as i32),
            ))
            .returning(incidents::id)
            .get_result::<i64>(conn)
    });
    match inserted {
        Ok(id) => Ok(Some(id)),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Puts complaint `complaint_id` in incident `incident_id` (`by` the
/// supervisor who did, none for detection).
pub fn add(
    conn: &mut DbConnection,
    incident_id: i64,
    complaint_id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(incident_complaints::table)
        .values((
            incident_complaints::incident_id.eq(incident_id),
            incident_complaints::complaint_id.eq(complaint_id),
            incident_complaints::added_at.eq(to_db(now)),
            incident_complaints::added_by.eq(by),
        ))
        .execute(conn)
        .map(drop)
}

/// Puts report `report_id` in incident `incident_id`.
pub fn add_report(conn: &mut DbConnection, incident_id: i64, report_id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(incident_reports::table)
        .values((
            incident_reports::incident_id.eq(incident_id),
            incident_reports::report_id.eq(report_id),
            incident_reports::added_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// A report that arrived at `now` joined incident `id`: its last arrival
/// (its count is of complaints).
pub fn report_joined(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    let set = incidents::last_at.eq(to_db(now));
    crate::on_backend!(conn, |c| super::update(incidents::table, set, incidents::id.eq(id)).execute(c)).map(drop)
}

/// A complaint that arrived at `now` joined incident `id`: one more.
pub fn joined(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    // Once an incident is open every complaint about its subject joins it:
    // kept prepared (`super::update`), as diesel keeps no `UPDATE`.
    let set = (incidents::complaint_count.eq(incidents::complaint_count + 1), incidents::last_at.eq(to_db(now)));
    crate::on_backend!(conn, |c| super::update(incidents::table, set, incidents::id.eq(id)).execute(c)).map(drop)
}

/// Supervisors were told of incident `id` at `now`.
pub fn notified(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    let set = incidents::notified_at.eq(to_db(now));
    crate::on_backend!(conn, |c| super::update(incidents::table, set, incidents::id.eq(id)).execute(c)).map(drop)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<IncidentRow>> {
    incidents::table.find(id).select(IncidentRow::as_select()).first(conn).optional()
}

/// Incidents for the supervisors' list: open ones first, then collective
/// cases, then closed ones, each newest first, at most `limit` of each;
/// a range of `incidents_state_opened` per state.
pub fn listed(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<IncidentRow>> {
    let mut out = Vec::new();
    for state in [IncidentState::Open, IncidentState::Collective, IncidentState::Closed] {
        out.extend(
            incidents::table
                .filter(incidents::state.eq(state))
                .order((incidents::opened_at.desc(), incidents::id.desc()))
                .select(IncidentRow::as_select())
                .limit(limit)
                .load(conn)?,
        );
    }
    Ok(out)
}

/// One complaint of an incident, as its page shows it.
#[derive(Debug, Clone, Queryable)]
pub struct Member {
    pub complaint_id: i64,
    pub reference: String,
    pub category: Category,
    pub state: State,
    pub submitted_at: NaiveDateTime,
    pub added_at: NaiveDateTime,
    /// The risk rules it matched, as `complaints.risk_matches` keeps them.
    pub risk_matches: Option<String>,
}

/// The complaints of incident `id`, in the order they arrived.
pub fn members(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<Member>> {
    incident_complaints::table
        .inner_join(complaints::table)
        .filter(incident_complaints::incident_id.eq(id))
        .order((complaints::submitted_at, complaints::id))
        .select((
            complaints::id,
            complaints::reference,
            complaints::category,
            complaints::state,
            complaints::submitted_at,
            incident_complaints::added_at,
            complaints::risk_matches,
        ))
        .load(conn)
}

/// Removes the reports `ids` from every incident (the retention purge,
/// before it removes the reports): a range of `incident_reports_report`
/// each.
pub fn forget_reports(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(incident_reports::table.filter(incident_reports::report_id.eq_any(ids))).execute(conn)
}

/// Removes the complaints `ids` from every incident (the retention purge,
/// before it removes the complaints): a range of
/// `incident_complaints_complaint` each.
pub fn forget(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(incident_complaints::table.filter(incident_complaints::complaint_id.eq_any(ids))).execute(conn)
}

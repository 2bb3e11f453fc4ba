//! User reports (举报) and the supervisors' reading of them. Each query is
//! a range of one index: the list's of `reports_state_risk` (new high-risk
//! ones) and `reports_created` (the rest, newest first), a room's of
//! `reports_room_created`, an incident's through `incident_reports`'s key.
//! Detection's counts are in `store::incidents`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::live::SessionRow;
use super::schema::{hosts, incident_reports, live_rooms, live_sessions, merchants, reports};
use super::{DbConnection, to_db};
use crate::domain::evidence::Kind;
use crate::domain::live::forms::SESSION_MAX_HOURS;
use crate::domain::report::ReportState;
use crate::domain::risk::RiskState;
use crate::i18n::Lang;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub id: i64,
    pub reference: String,
    pub merchant_id: i64,
    pub room_id: i64,
    pub live_session_id: Option<i64>,
    pub host_id: Option<i64>,
    pub seen_at: NaiveDateTime,
    pub description: String,
    pub phone: Option<String>,
    pub lang: Lang,
    /// The screenshot's kind (an image's), when there is one.
    pub screenshot_kind: Option<Kind>,
    pub screenshot_sha256: Option<String>,
    pub screenshot_thumb_sha256: Option<String>,
    pub screenshot_bytes: Option<i64>,
    pub risk_score: i32,
    pub risk_matches: Option<String>,
    pub risk_state: Option<RiskState>,
    pub state: ReportState,
    pub note: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// The screenshot as kept in the upload folder.
#[derive(Debug, Clone, Copy)]
pub struct Screenshot<'a> {
    pub kind: Kind,
    pub sha256: &'a str,
    pub thumb_sha256: Option<&'a str>,
    pub bytes: i64,
}

/// A new report's row.
pub struct NewReportRow<'a> {
    pub reference: &'a str,
    pub merchant_id: i64,
    pub room_id: i64,
    pub live_session_id: Option<i64>,
    pub host_id: Option<i64>,
    pub seen_at: DateTime<Utc>,
    pub description: &'a str,
    pub phone: Option<&'a str>,
    pub lang: Lang,
    pub screenshot: Option<Screenshot<'a>>,
    pub risk_score: i32,
    pub risk_matches: Option<&'a str>,
    pub risk_state: Option<RiskState>,
    pub created_at: DateTime<Utc>,
}

/// The id the next report gets, taken first so that its reference (which
/// holds the id) is written with it: on SQLite, inside the write
/// transaction, the next row id; on PostgreSQL, the sequence's next value.
pub fn next_id(conn: &mut DbConnection) -> QueryResult<i64> {
    match conn {
        DbConnection::Sqlite(_) => reports::table
            .select(diesel::dsl::max(reports::id))
            .first::<Option<i64>>(conn)
            .map(|max| max.unwrap_or(0) + 1),
        DbConnection::Pg(c) => diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "nextval(pg_get_serial_sequence('reports', 'id'))",
        ))
        .get_result(c),
    }
}

/// Stores a new report, state `new`, under the id from [`next_id`]; returns
/// it as stored.
pub fn insert_as(conn: &mut DbConnection, id: i64, r: &NewReportRow<'_>) -> QueryResult<ReportRow> {
    let shot = r.screenshot.as_ref();
    diesel::insert_into(reports::table)
        .values((
            reports::id.eq(id),
            reports::reference.eq(r.reference),
            reports::merchant_id.eq(r.merchant_id),
            reports::room_id.eq(r.room_id),
            reports::live_session_id.eq(r.live_session_id),
            reports::host_id.eq(r.host_id),
            reports::seen_at.eq(to_db(r.seen_at)),
            reports::description.eq(r.description),
            reports::phone.eq(r.phone),
            reports::lang.eq(r.lang),
            reports::screenshot_kind.eq(shot.map(|s| s.kind)),
            reports::screenshot_sha256.eq(shot.map(|s| s.sha256)),
            reports::screenshot_thumb_sha256.eq(shot.and_then(|s| s.thumb_sha256)),
            reports::screenshot_bytes.eq(shot.map(|s| s.bytes)),
            reports::risk_score.eq(r.risk_score),
            reports::risk_matches.eq(r.risk_matches),
            reports::risk_state.eq(r.risk_state),
            reports::state.eq(ReportState::New),
            reports::created_at.eq(to_db(r.created_at)),
        ))
        .returning(reports::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ReportRow>> {
    reports::table.find(id).select(ReportRow::as_select()).first(conn).optional()
}

/// Records a supervisor's decision on report `id`, if it is still new;
/// returns whether it was.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    state: ReportState,
    note: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let done = diesel::update(reports::table.find(id).filter(reports::state.eq(ReportState::New)))
        .set((
            reports::state.eq(state),
            reports::note.eq(note),
            reports::decided_by.eq(by),
            reports::decided_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(done == 1)
}

/// A report on a list, with the names of whose and where: the merchant,
/// the room, and the session's start and host when it names one.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub report: ReportRow,
    pub merchant: String,
    pub room: String,
    pub session_start: Option<NaiveDateTime>,
    pub host: Option<String>,
}

type Joined = diesel::dsl::Select<
    diesel::dsl::LeftJoin<
        diesel::dsl::LeftJoin<
            diesel::dsl::InnerJoin<diesel::dsl::InnerJoin<reports::table, merchants::table>, live_rooms::table>,
            live_sessions::table,
        >,
        hosts::table,
    >,
    (
        diesel::dsl::AsSelect<ReportRow, super::MultiBackend>,
        merchants::name,
        live_rooms::name,
        diesel::dsl::Nullable<live_sessions::started_at>,
        diesel::dsl::Nullable<hosts::display_name>,
    ),
>;

/// Reports with their names, for the lists.
fn joined() -> Joined {
    reports::table
        .inner_join(merchants::table)
        .inner_join(live_rooms::table)
        .left_join(live_sessions::table)
        .left_join(hosts::table)
        .select((
            ReportRow::as_select(),
            merchants::name,
            live_rooms::name,
            live_sessions::started_at.nullable(),
            hosts::display_name.nullable(),
        ))
}

/// The supervisors' list: new high-risk reports first, newest first, then
/// every other report, newest first; at most `limit` of each.
pub fn listed(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Listed>> {
    let high = joined()
        .filter(reports::state.eq(ReportState::New))
        .filter(reports::risk_state.eq(RiskState::High))
        .order((reports::created_at.desc(), reports::id.desc()))
        .limit(limit)
        .load::<Listed>(conn)?;
    let rest = joined()
        .order((reports::created_at.desc(), reports::id.desc()))
        .limit(limit + high.len() as i64)
        .load::<Listed>(conn)?;
    let mut out = high;
    let first: Vec<i64> = out.iter().map(|l| l.report.id).collect();
    out.extend(rest.into_iter().filter(|l| !first.contains(&l.report.id)).take(limit as usize));
    Ok(out)
}

/// Report `id` with its names.
pub fn find_listed(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Listed>> {
    joined().filter(reports::id.eq(id)).first(conn).optional()
}

/// The room's reports, newest first, at most `limit`, and how many there
/// are in all.
pub fn of_room(conn: &mut DbConnection, room_id: i64, limit: i64) -> QueryResult<(Vec<ReportRow>, i64)> {
    let rows = reports::table
        .filter(reports::room_id.eq(room_id))
        .order((reports::created_at.desc(), reports::id.desc()))
        .select(ReportRow::as_select())
        .limit(limit)
        .load(conn)?;
    let all = if (rows.len() as i64) < limit {
        rows.len() as i64
    } else {
        reports::table.filter(reports::room_id.eq(room_id)).count().get_result(conn)?
    };
    Ok((rows, all))
}

/// New reports, and how many of them are high-risk (the queue's line).
pub fn waiting(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    let new = reports::table.filter(reports::state.eq(ReportState::New));
    let all = new.count().get_result(conn)?;
    let high =
        if all == 0 { 0 } else { new.filter(reports::risk_state.eq(RiskState::High)).count().get_result(conn)? };
    Ok((all, high))
}

/// The reports of incident `id`, in the order they arrived.
pub fn of_incident(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<ReportRow>> {
    incident_reports::table
        .inner_join(reports::table)
        .filter(incident_reports::incident_id.eq(id))
        .order((reports::created_at, reports::id))
        .select(ReportRow::as_select())
        .load(conn)
}

/// The incidents report `id` is in.
pub fn incidents_of(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<i64>> {
    incident_reports::table
        .filter(incident_reports::report_id.eq(id))
        .select(incident_reports::incident_id)
        .order(incident_reports::incident_id)
        .load(conn)
}

/// The room's session under way at `at`, if any (the latest to start, if
/// two overlap): a range of `live_sessions_merchant`, from a session's
/// longest before `at` up to `at`.
pub fn session_at(
    conn: &mut DbConnection,
    merchant_id: i64,
    room_id: i64,
    at: DateTime<Utc>,
) -> QueryResult<Option<SessionRow>> {
    let earliest = at - chrono::Duration::hours(SESSION_MAX_HOURS);
    live_sessions::table
        .filter(live_sessions::merchant_id.eq(merchant_id))
        .filter(live_sessions::started_at.ge(to_db(earliest)))
        .filter(live_sessions::started_at.le(to_db(at)))
        .filter(live_sessions::room_id.eq(room_id))
        .filter(live_sessions::ended_at.ge(to_db(at)))
        .order((live_sessions::started_at.desc(), live_sessions::id.desc()))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

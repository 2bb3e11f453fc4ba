//! Platform inspections, their evidence files and the measures they led
//! to; and the few questions about a room's sessions the inspection form
//! asks. Each list is a range of one index: `inspections_inspected` for
//! the supervisors' list, `inspections_room` for a room's page,
//! `inspections_incident` for an incident's, `live_sessions_room` for the
//! session that was on.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::actions::ActionRow;
use super::live::{RoomRow, SessionRow};
use super::schema::{
    inspection_actions, inspection_evidence, inspections, live_rooms, live_sessions, merchant_actions, merchants, users,
};
use super::{DbConnection, to_db};
use crate::domain::evidence::{Kind, Stored};
use crate::domain::inspection::Verdict;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inspections)]
pub struct InspectionRow {
    pub id: i64,
    pub supervisor_id: i64,
    pub merchant_id: i64,
    pub room_id: i64,
    pub live_session_id: Option<i64>,
    pub inspected_at: NaiveDateTime,
    pub found: String,
    pub verdict: Verdict,
    pub incident_id: Option<i64>,
    pub opened_incident: bool,
    pub created_at: NaiveDateTime,
}

/// An inspection as stored at first: no incident yet.
pub struct NewInspection<'a> {
    pub supervisor_id: i64,
    pub merchant_id: i64,
    pub room_id: i64,
    pub live_session_id: Option<i64>,
    pub inspected_at: DateTime<Utc>,
    pub found: &'a str,
    pub verdict: Verdict,
}

/// One evidence file of an inspection's.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inspection_evidence)]
pub struct InspectionFile {
    pub id: i64,
    pub inspection_id: i64,
    pub kind: Kind,
    pub sha256: String,
    pub thumb_sha256: Option<String>,
    pub bytes: i64,
    pub name: String,
}

/// The inspection and its files, in the caller's transaction.
pub fn insert(conn: &mut DbConnection, i: &NewInspection, files: &[Stored], now: DateTime<Utc>) -> QueryResult<i64> {
    let id = diesel::insert_into(inspections::table)
        .values((
            inspections::supervisor_id.eq(i.supervisor_id),
            inspections::merchant_id.eq(i.merchant_id),
            inspections::room_id.eq(i.room_id),
            inspections::live_session_id.eq(i.live_session_id),
            inspections::inspected_at.eq(to_db(i.inspected_at)),
            inspections::found.eq(i.found),
            inspections::verdict.eq(i.verdict),
            inspections::opened_incident.eq(false),
            inspections::created_at.eq(to_db(now)),
        ))
        .returning(inspections::id)
        .get_result(conn)?;
    // One row at a time: multi-row inserts do not compile through the
    // MultiConnection, and an inspection has a handful of files at most.
    for f in files {
        diesel::insert_into(inspection_evidence::table)
            .values((
                inspection_evidence::inspection_id.eq(id),
                inspection_evidence::kind.eq(f.kind),
                inspection_evidence::sha256.eq(&f.sha256),
                inspection_evidence::thumb_sha256.eq(f.thumb_sha256.as_deref()),
                inspection_evidence::bytes.eq(f.bytes),
                inspection_evidence::name.eq(&f.name),
                inspection_evidence::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<InspectionRow>> {
    inspections::table.find(id).select(InspectionRow::as_select()).first(conn).optional()
}

/// An inspection on a list: with its room's name, its merchant's and its
/// inspector's e-mail.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub inspection: InspectionRow,
    pub room: String,
    pub merchant: String,
    pub supervisor: String,
}

/// The newest inspections (by when they took place), at most `limit`: a
/// range of `inspections_inspected`, read backwards.
pub fn newest(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Listed>> {
    inspections::table
        .inner_join(live_rooms::table)
        .inner_join(merchants::table)
        .inner_join(users::table)
        .order((inspections::inspected_at.desc(), inspections::id.desc()))
        .select((InspectionRow::as_select(), live_rooms::name, merchants::name, users::email))
        .limit(limit)
        .load(conn)
}

/// The room's inspections, newest first, at most `limit`: a range of
/// `inspections_room`.
pub fn of_room(conn: &mut DbConnection, room_id: i64, limit: i64) -> QueryResult<Vec<InspectionRow>> {
    inspections::table
        .filter(inspections::room_id.eq(room_id))
        .order((inspections::inspected_at.desc(), inspections::id.desc()))
        .select(InspectionRow::as_select())
        .limit(limit)
        .load(conn)
}

/// The inspections that opened or joined incident `id`, in the order
/// they were recorded: a range of `inspections_incident`.
pub fn of_incident(conn: &mut DbConnection, incident_id: i64) -> QueryResult<Vec<InspectionRow>> {
    inspections::table
        .filter(inspections::incident_id.eq(incident_id))
        .order(inspections::id)
        .select(InspectionRow::as_select())
        .load(conn)
}

/// How many inspections of the merchant's rooms there have been.
pub fn count_of_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<i64> {
    inspections::table.filter(inspections::merchant_id.eq(merchant_id)).count().get_result(conn)
}

/// Links inspection `id` to incident `incident_id` (`opened`: it opened
/// it), once: false when it was linked already.
pub fn link_incident(conn: &mut DbConnection, id: i64, incident_id: i64, opened: bool) -> QueryResult<bool> {
    let linked = diesel::update(inspections::table.find(id).filter(inspections::incident_id.is_null()))
        .set((inspections::incident_id.eq(incident_id), inspections::opened_incident.eq(opened)))
        .execute(conn)?;
    Ok(linked == 1)
}

/// The inspection's files, in the order they came.
pub fn files(conn: &mut DbConnection, inspection_id: i64) -> QueryResult<Vec<InspectionFile>> {
    inspection_evidence::table
        .filter(inspection_evidence::inspection_id.eq(inspection_id))
        .order(inspection_evidence::id)
        .select(InspectionFile::as_select())
        .load(conn)
}

/// One file of the inspection's; none when it is another inspection's.
pub fn file(conn: &mut DbConnection, inspection_id: i64, id: i64) -> QueryResult<Option<InspectionFile>> {
    inspection_evidence::table
        .filter(inspection_evidence::id.eq(id).and(inspection_evidence::inspection_id.eq(inspection_id)))
        .select(InspectionFile::as_select())
        .first(conn)
        .optional()
}

/// Whether an inspection's file (or thumbnail) is this one, before the
/// retention purge removes it.
pub fn file_in_use(conn: &mut DbConnection, sha256: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        inspection_evidence::table
            .filter(inspection_evidence::sha256.eq(sha256).or(inspection_evidence::thumb_sha256.eq(sha256))),
    ))
    .get_result(conn)
}

/// Records that inspection `id` led to action `action_id`.
pub fn add_action(conn: &mut DbConnection, id: i64, action_id: i64) -> QueryResult<()> {
    diesel::insert_into(inspection_actions::table)
        .values((inspection_actions::inspection_id.eq(id), inspection_actions::action_id.eq(action_id)))
        .execute(conn)
        .map(drop)
}

/// The actions inspection `id` led to, oldest first.
pub fn actions(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<ActionRow>> {
    inspection_actions::table
        .inner_join(merchant_actions::table)
        .filter(inspection_actions::inspection_id.eq(id))
        .order(merchant_actions::id)
        .select(ActionRow::as_select())
        .load(conn)
}

/// The room's session that was on at `at` (started by then, not ended),
/// the latest started if two overlap: a range of `live_sessions_room` no
/// longer than a session may last.
pub fn session_on(conn: &mut DbConnection, room_id: i64, at: DateTime<Utc>) -> QueryResult<Option<SessionRow>> {
    let earliest = to_db(at - chrono::Duration::hours(crate::domain::live::forms::SESSION_MAX_HOURS));
    let at = to_db(at);
    live_sessions::table
        .filter(live_sessions::room_id.eq(room_id))
        .filter(live_sessions::started_at.ge(earliest))
        .filter(live_sessions::started_at.le(at))
        .filter(live_sessions::ended_at.ge(at))
        .order(live_sessions::started_at.desc())
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// The room's sessions, latest start first, at most `limit`: a range of
/// `live_sessions_room`.
pub fn room_sessions(conn: &mut DbConnection, room_id: i64, limit: i64) -> QueryResult<Vec<SessionRow>> {
    live_sessions::table
        .filter(live_sessions::room_id.eq(room_id))
        .order(live_sessions::started_at.desc())
        .select(SessionRow::as_select())
        .limit(limit)
        .load(conn)
}

/// Every merchant's rooms for the form's choice, by merchant then room,
/// with the merchant's name; at most `limit`.
pub fn rooms(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<(RoomRow, String)>> {
    live_rooms::table
        .inner_join(merchants::table)
        .order((merchants::name, live_rooms::id))
        .select((RoomRow::as_select(), merchants::name))
        .limit(limit)
        .load(conn)
}

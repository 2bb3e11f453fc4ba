//! A complaint's append-only timeline: its entries, appended and read as a
//! viewer may see them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::super::schema::{complaint_events, complaints, users};
use super::super::{AsText, DbConnection, to_db};
use crate::domain::event::{Actor, EventKind, Viewer, Visibility};

/// One entry of a complaint's timeline.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_events)]
pub struct Event {
    pub id: i64,
    pub complaint_id: i64,
    pub at: NaiveDateTime,
    pub actor: Actor,
    /// An [`EventKind`]'s slug, checked as it is read.
    #[diesel(deserialize_as = AsText<EventKind>)]
    pub kind: String,
    pub visibility: Visibility,
    pub body: Option<String>,
    pub data: Option<String>,
    pub actor_id: Option<i64>,
}

pub struct NewEvent<'a> {
    pub complaint_id: i64,
    /// The complaint's merchant (what a sharded deployment splits by).
    pub merchant_id: i64,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// The staff account that acted, if one did.
    pub actor_id: Option<i64>,
    pub kind: EventKind,
    pub visibility: Visibility,
    pub body: Option<&'a str>,
    pub data: Option<&'a str>,
}

/// Appends `e` to the timeline and moves the complaint's `updated_at` on
/// to its time (one more statement: see [`append_event_only`] for callers
/// that wrote it already).
pub fn append_event(conn: &mut DbConnection, e: NewEvent<'_>) -> QueryResult<i64> {
    let (complaint, at) = (e.complaint_id, to_db(e.at));
    let id = append_event_only(conn, e)?;
    let later = complaints::id.eq(complaint).and(complaints::updated_at.is_null().or(complaints::updated_at.lt(at)));
    diesel::update(complaints::table.filter(later)).set(complaints::updated_at.eq(at)).execute(conn)?;
    Ok(id)
}

/// Appends `e` to the timeline, leaving `updated_at` alone: for the
/// writes that set it themselves (intake's insert, [`save_progress`]).
pub fn append_event_only(conn: &mut DbConnection, e: NewEvent<'_>) -> QueryResult<i64> {
    let insert = diesel::insert_into(complaint_events::table)
        .values((
            complaint_events::complaint_id.eq(e.complaint_id),
            complaint_events::merchant_id.eq(e.merchant_id),
            complaint_events::at.eq(to_db(e.at)),
            complaint_events::actor.eq(e.actor),
            complaint_events::kind.eq(e.kind),
            complaint_events::visibility.eq(e.visibility),
            complaint_events::body.eq(e.body),
            complaint_events::data.eq(e.data),
            complaint_events::actor_id.eq(e.actor_id),
        ))
        .returning(complaint_events::id);
    crate::on_backend!(conn, |c| insert.get_result(c))
}

/// A timeline entry and the e-mail of the staff account behind it.
pub type Entry = (Event, Option<String>);

/// The timeline in order, as `viewer` may see it.
pub fn timeline(conn: &mut DbConnection, complaint_id: i64, viewer: Viewer) -> QueryResult<Vec<Entry>> {
    let mut q = complaint_events::table
        .left_join(users::table)
        .filter(complaint_events::complaint_id.eq(complaint_id))
        .select((Event::as_select(), users::email.nullable()))
        .order(complaint_events::id)
        .into_boxed();
    let hidden: Vec<Visibility> = Visibility::ALL.iter().copied().filter(|v| !viewer.sees(*v)).collect();
    if !hidden.is_empty() {
        q = q.filter(complaint_events::visibility.ne_all(hidden));
    }
    q.load(conn)
}

//! Complaints and their append-only timeline.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{complaint_events, complaints, merchants};
use super::{DbConnection, from_db, to_db};
use crate::domain::deadline::DeadlineFacts;
use crate::domain::event::{Actor, EventKind};
use crate::domain::state::State;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct Complaint {
    pub id: i64,
    pub reference: String,
    pub token: String,
    pub merchant_id: i64,
    pub order_ref: String,
    pub category: String,
    pub desired_resolution: String,
    pub amount_fen: Option<i64>,
    pub description: String,
    pub consumer_name: String,
    pub consumer_phone: Option<String>,
    pub consumer_email: Option<String>,
    pub lang: String,
    pub state: String,
    pub submitted_at: NaiveDateTime,
    pub response_due_at: NaiveDateTime,
    pub resolution_due_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub response_breached_at: Option<NaiveDateTime>,
    pub proposed_at: Option<NaiveDateTime>,
    pub resolution_met_at: Option<NaiveDateTime>,
    pub resolution_breached_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    pub escalation_reason: Option<String>,
    pub ended_at: Option<NaiveDateTime>,
    pub outcome: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl Complaint {
    pub fn state(&self) -> State {
        // Only this code writes the column, always from `State::slug`.
        State::from_slug(&self.state).unwrap_or(State::Submitted)
    }

    pub fn response_deadline(&self) -> DeadlineFacts {
        DeadlineFacts {
            due: from_db(self.response_due_at),
            met_at: self.responded_at.map(from_db),
            ended_at: self.ended_at.map(from_db),
            awaiting_since: None,
        }
    }

    pub fn resolution_deadline(&self) -> DeadlineFacts {
        DeadlineFacts {
            due: from_db(self.resolution_due_at),
            met_at: self.resolution_met_at.map(from_db),
            ended_at: self.ended_at.map(from_db),
            awaiting_since: (self.state() == State::Proposed).then_some(self.proposed_at).flatten().map(from_db),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = complaints)]
pub struct NewComplaintRow<'a> {
    pub reference: &'a str,
    pub token: &'a str,
    pub merchant_id: i64,
    pub order_ref: &'a str,
    pub category: &'a str,
    pub desired_resolution: &'a str,
    pub amount_fen: Option<i64>,
    pub description: &'a str,
    pub consumer_name: &'a str,
    pub consumer_phone: Option<&'a str>,
    pub consumer_email: Option<&'a str>,
    pub lang: &'a str,
    pub state: &'a str,
    pub submitted_at: NaiveDateTime,
    pub response_due_at: NaiveDateTime,
    pub resolution_due_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &NewComplaintRow<'_>) -> QueryResult<i64> {
    diesel::insert_into(complaints::table).values(row).returning(complaints::id).get_result(conn)
}

pub fn set_reference(conn: &mut DbConnection, id: i64, reference: &str) -> QueryResult<()> {
    diesel::update(complaints::table.find(id)).set(complaints::reference.eq(reference)).execute(conn).map(drop)
}

/// The complaint behind a tracking token, with its merchant's name.
pub fn find_by_token(conn: &mut DbConnection, token: &str) -> QueryResult<Option<(Complaint, String)>> {
    complaints::table
        .inner_join(merchants::table)
        .filter(complaints::token.eq(token))
        .select((Complaint::as_select(), merchants::name))
        .first(conn)
        .optional()
}

/// The tracking token of the complaint with this reference, if `phone` or
/// `email` (already normalised) is the one it was filed with. One query
/// either way, so the answer's timing does not tell whether the reference
/// exists.
pub fn token_by_reference_and_contact(
    conn: &mut DbConnection,
    reference: &str,
    phone: Option<&str>,
    email: Option<&str>,
) -> QueryResult<Option<String>> {
    complaints::table
        .filter(complaints::reference.eq(reference))
        .filter(
            complaints::consumer_phone
                .eq(phone.unwrap_or(""))
                .and(complaints::consumer_phone.is_not_null())
                .or(complaints::consumer_email.eq(email.unwrap_or("")).and(complaints::consumer_email.is_not_null())),
        )
        .select(complaints::token)
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    complaints::table.count().get_result(conn)
}

/// One entry of a complaint's timeline.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_events)]
pub struct Event {
    pub id: i64,
    pub complaint_id: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub kind: String,
    pub visibility: String,
    pub body: Option<String>,
    pub data: Option<String>,
}

pub struct NewEvent<'a> {
    pub complaint_id: i64,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub kind: EventKind,
    pub public: bool,
    pub body: Option<&'a str>,
    pub data: Option<&'a str>,
}

pub fn append_event(conn: &mut DbConnection, e: NewEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(complaint_events::table)
        .values((
            complaint_events::complaint_id.eq(e.complaint_id),
            complaint_events::at.eq(to_db(e.at)),
            complaint_events::actor.eq(e.actor.slug()),
            complaint_events::kind.eq(e.kind.slug()),
            complaint_events::visibility.eq(if e.public { "public" } else { "internal" }),
            complaint_events::body.eq(e.body),
            complaint_events::data.eq(e.data),
        ))
        .execute(conn)
        .map(drop)
}

/// The timeline in order; internal notes only when asked for.
pub fn timeline(conn: &mut DbConnection, complaint_id: i64, with_internal: bool) -> QueryResult<Vec<Event>> {
    let mut q = complaint_events::table
        .filter(complaint_events::complaint_id.eq(complaint_id))
        .select(Event::as_select())
        .order(complaint_events::id)
        .into_boxed();
    if !with_internal {
        q = q.filter(complaint_events::visibility.eq("public"));
    }
    q.load(conn)
}

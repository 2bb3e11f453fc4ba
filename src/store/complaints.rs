//! Complaints and their append-only timeline.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{complaints, merchants};
use super::{AsText, DbConnection, from_db, to_db};
use crate::domain::category::{Category, Resolution};
use crate::domain::contact::Reach;

use crate::domain::progress::Progress;
use crate::domain::risk::RiskState;
use crate::domain::state::{EscalationReason, Outcome, State};
use crate::i18n::Lang;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct Complaint {
    pub id: i64,
    pub reference: String,
    pub token: String,
    pub merchant_id: i64,
    pub order_ref: String,
    pub category: Category,
    pub desired_resolution: Resolution,
    pub amount_fen: Option<i64>,
    pub description: String,
    pub consumer_name: String,
    pub consumer_phone: Option<String>,
    pub consumer_email: Option<String>,
    pub lang: Lang,
    pub state: State,
    pub submitted_at: NaiveDateTime,
    pub response_due_at: NaiveDateTime,
    pub resolution_due_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub response_breached_at: Option<NaiveDateTime>,
    pub proposed_at: Option<NaiveDateTime>,
    pub resolution_met_at: Option<NaiveDateTime>,
    pub resolution_breached_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    /// An [`EscalationReason`]'s slug, checked as it is read.
    #[diesel(deserialize_as = AsText<Option<EscalationReason>>)]
    pub escalation_reason: Option<String>,
    pub ended_at: Option<NaiveDateTime>,
    pub outcome: Option<Outcome>,
    pub resolved_at: Option<NaiveDateTime>,
    pub proposal_resolution: Option<Resolution>,
    pub proposal_amount_fen: Option<i64>,
    pub next_due_at: Option<NaiveDateTime>,
    pub rejected_at: Option<NaiveDateTime>,
    /// Bumped by every change of progress (optimistic locking).
    pub version: i64,
    /// When the consumer proved the phone number with a code.
    pub phone_verified_at: Option<NaiveDateTime>,
    /// When the consumer was first reached with the proposal on the table.
    pub proposal_reached_at: Option<NaiveDateTime>,
    pub proposal_reached_by: Option<Reach>,
    /// What the complaint names: the product, the live session, and the
    /// session's room and host (copied when filed, for counting).
    pub product_id: Option<i64>,
    pub live_session_id: Option<i64>,
    pub room_id: Option<i64>,
    pub host_id: Option<i64>,
    /// Machine discovery: the score at intake (and after the consumer's
    /// replies), the rules matched (`domain::risk::decode`), the flag, and
    /// the supervisor's reason for dismissing it, who and when.
    pub risk_score: i32,
    pub risk_matches: Option<String>,
    pub risk_state: Option<RiskState>,
    pub risk_note: Option<String>,
    pub risk_decided_by: Option<i64>,
    pub risk_decided_at: Option<NaiveDateTime>,
    /// When the merchant's staff first opened it (read receipts).
    pub merchant_viewed_at: Option<NaiveDateTime>,
    /// When its timeline last gained an entry (filed, answered, a lapse
    /// recorded …): what the API's list is ordered and filtered by.
    pub updated_at: Option<NaiveDateTime>,
}

impl Complaint {
    /// The complaint's clock, for the domain's rules.
    pub fn progress(&self) -> Progress {
        Progress {
            state: self.state,
            response_due: from_db(self.response_due_at),
            resolution_due: from_db(self.resolution_due_at),
            responded_at: self.responded_at.map(from_db),
            proposed_at: self.proposed_at.map(from_db),
            resolution_met_at: self.resolution_met_at.map(from_db),
            resolved_at: self.resolved_at.map(from_db),
            ended_at: self.ended_at.map(from_db),
            response_breached_at: self.response_breached_at.map(from_db),
            resolution_breached_at: self.resolution_breached_at.map(from_db),
            escalated_at: self.escalated_at.map(from_db),
            // Read as an `EscalationReason` (`AsText`): never `None` for text.
            escalation_reason: self.escalation_reason.as_deref().and_then(EscalationReason::from_slug),
            rejected_at: self.rejected_at.map(from_db),
            proposal_reached_at: self.proposal_reached_at.map(from_db),
            proposal_reached_by: self.proposal_reached_by,
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
    pub next_due_at: Option<NaiveDateTime>,
    pub product_id: Option<i64>,
    pub live_session_id: Option<i64>,
    pub room_id: Option<i64>,
    pub host_id: Option<i64>,
    pub risk_score: i32,
    pub risk_matches: Option<&'a str>,
    pub risk_state: Option<RiskState>,
}

/// `complaints.state = '<state>'` written out in the SQL rather than bound,
/// so that both databases see it matches a partial index's predicate.
pub fn state_is(state: State) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    // The slug is one of our own constants: nothing typed by anyone.
    diesel::dsl::sql(&format!("complaints.state = '{}'", state.slug()))
}

/// The id the next complaint gets, taken before it is stored so that its
/// reference (which contains the id) is written with it rather than by an
/// update after. On SQLite, called inside the write transaction, the next
/// row id; on PostgreSQL, the next value of the id sequence.
pub fn next_id(conn: &mut DbConnection) -> QueryResult<i64> {
    match conn {
        DbConnection::Sqlite(_) => complaints::table
            .select(diesel::dsl::max(complaints::id))
            .first::<Option<i64>>(conn)
            .map(|max| max.unwrap_or(0) + 1),
        DbConnection::Pg(c) => diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "nextval(pg_get_serial_sequence('complaints', 'id'))",
        ))
        .get_result(c),
    }
}

/// Stores a new complaint under the id from [`next_id`] and returns it as
/// stored (one statement, where reading it back would be a second).
pub fn insert_as(conn: &mut DbConnection, id: i64, row: &NewComplaintRow<'_>) -> QueryResult<Complaint> {
    diesel::insert_into(complaints::table)
        .values((complaints::id.eq(id), complaints::updated_at.eq(row.submitted_at), row))
        .returning(complaints::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Complaint> {
    complaints::table.find(id).select(Complaint::as_select()).first(conn)
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

/// A merchant's complaint by reference; another merchant's is not found.
pub fn find_for_merchant(conn: &mut DbConnection, merchant_id: i64, reference: &str) -> QueryResult<Option<Complaint>> {
    complaints::table
        .filter(complaints::reference.eq(reference))
        .filter(complaints::merchant_id.eq(merchant_id))
        .select(Complaint::as_select())
        .first(conn)
        .optional()
}

/// The progress columns that changed: `None` leaves a column alone,
/// `Some(None)` clears it. Writing only what changed keeps the indexes on
/// the other columns untouched.
#[derive(AsChangeset, Default)]
#[diesel(table_name = complaints)]
struct ProgressChange {
    state: Option<State>,
    responded_at: Option<Option<NaiveDateTime>>,
    proposed_at: Option<Option<NaiveDateTime>>,
    resolution_met_at: Option<Option<NaiveDateTime>>,
    resolved_at: Option<Option<NaiveDateTime>>,
    ended_at: Option<Option<NaiveDateTime>>,
    response_breached_at: Option<Option<NaiveDateTime>>,
    resolution_breached_at: Option<Option<NaiveDateTime>>,
    escalated_at: Option<Option<NaiveDateTime>>,
    escalation_reason: Option<Option<EscalationReason>>,
    rejected_at: Option<Option<NaiveDateTime>>,
    next_due_at: Option<Option<NaiveDateTime>>,
    proposal_reached_at: Option<Option<NaiveDateTime>>,
    proposal_reached_by: Option<Option<Reach>>,
    updated_at: Option<Option<NaiveDateTime>>,
}

/// `Some(new)` when it differs from `old`.
fn changed<T: PartialEq>(old: T, new: T) -> Option<T> {
    (old != new).then_some(new)
}

/// Stores `after` as the complaint's progress at `now` if nobody changed
/// the complaint since `read` was read (its version is unchanged); returns
/// whether it did. Its `updated_at` becomes `now` in the same statement.
pub fn save_progress(
    conn: &mut DbConnection,
    read: &Complaint,
    after: &Progress,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let before = read.progress();
    let at = |t: Option<DateTime<Utc>>| t.map(to_db);
    let change = ProgressChange {
        state: changed(before.state, after.state),
        responded_at: changed(at(before.responded_at), at(after.responded_at)),
        proposed_at: changed(at(before.proposed_at), at(after.proposed_at)),
        resolution_met_at: changed(at(before.resolution_met_at), at(after.resolution_met_at)),
        resolved_at: changed(at(before.resolved_at), at(after.resolved_at)),
        ended_at: changed(at(before.ended_at), at(after.ended_at)),
        response_breached_at: changed(at(before.response_breached_at), at(after.response_breached_at)),
        resolution_breached_at: changed(at(before.resolution_breached_at), at(after.resolution_breached_at)),
        escalated_at: changed(at(before.escalated_at), at(after.escalated_at)),
        escalation_reason: changed(before.escalation_reason, after.escalation_reason),
        rejected_at: changed(at(before.rejected_at), at(after.rejected_at)),
        next_due_at: changed(read.next_due_at, at(after.next_due())),
        proposal_reached_at: changed(at(before.proposal_reached_at), at(after.proposal_reached_at)),
        proposal_reached_by: changed(before.proposal_reached_by, after.proposal_reached_by),
        updated_at: Some(Some(to_db(now))),
    };
    let n = crate::on_backend!(conn, |c| super::update(
        complaints::table,
        (&change, complaints::version.eq(read.version + 1)),
        // The merchant too, though the id alone finds the row: a sharded
        // database routes the statement by it (docs/deploy.md).
        complaints::id
            .eq(read.id)
            .and(complaints::merchant_id.eq(read.merchant_id))
            .and(complaints::version.eq(read.version)),
    )
    .execute(c))?;
    if n == 1
        && let (None, Some(at)) = (before.responded_at, after.responded_at)
    {
        super::register::responded(conn, read.id, to_db(at))?;
    }
    Ok(n == 1)
}

/// Records that the consumer was reached, by `by` at `at`, with the
/// proposal still on the table that was made no later than `made_by` (the
/// time its notice was queued): the first time only, and not for a
/// proposal the consumer already answered or one that replaced it. The
/// version is kept: this starts a clock, it changes nothing a concurrent
/// action read. Returns whether it was the first time.
pub fn reached(
    conn: &mut DbConnection,
    id: i64,
    by: Reach,
    at: DateTime<Utc>,
    made_by: DateTime<Utc>,
) -> QueryResult<bool> {
    let still_waiting = complaints::id
        .eq(id)
        .and(super::state_is(State::Proposed))
        .and(complaints::proposal_reached_at.is_null())
        .and(complaints::proposed_at.le(to_db(made_by)));
    let set = (complaints::proposal_reached_at.eq(to_db(at)), complaints::proposal_reached_by.eq(by));
    let n = diesel::update(complaints::table.filter(still_waiting)).set(set).execute(conn)?;
    Ok(n == 1)
}

/// Records that the merchant's staff opened complaint `id` at `at`: the
/// first time only (the row's own condition decides, so of two opening it
/// at once one records it). The version is kept: reading changes nothing
/// a concurrent action read. Returns whether it was the first time.
pub fn merchant_viewed(conn: &mut DbConnection, id: i64, at: DateTime<Utc>) -> QueryResult<bool> {
    let first = complaints::id.eq(id).and(complaints::merchant_viewed_at.is_null());
    let n = diesel::update(complaints::table.filter(first))
        .set(complaints::merchant_viewed_at.eq(to_db(at)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Records the proposal now on the table.
pub fn set_proposal(
    conn: &mut DbConnection,
    id: i64,
    resolution: Resolution,
    amount_fen: Option<i64>,
) -> QueryResult<()> {
    diesel::update(complaints::table.find(id))
        .set((complaints::proposal_resolution.eq(resolution), complaints::proposal_amount_fen.eq(amount_fen)))
        .execute(conn)
        .map(drop)
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

mod events;
pub use events::{Entry, Event, NewEvent, append_event, append_event_only, timeline};

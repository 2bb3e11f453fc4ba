//! What the deadline sweeper reads: ids of complaints with something due,
//! each query a range over a partial index that holds only complaints
//! still able to fall due, so its cost follows what is due, not what is
//! stored.

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::not;
use diesel::prelude::*;

use super::schema::complaints;
use super::{DbConnection, state_is, to_db};
use crate::domain::state::State;

/// A due complaint: (merchant id, complaint id).
pub type Due = (i64, i64);

/// Up to `limit` of each kind of due complaint (response deadline passed
/// unanswered, resolution deadline passed unmet, proposal left unanswered
/// for `silence` after it reached the consumer), earliest first; each once, in (merchant, id) order.
pub fn due(conn: &mut DbConnection, now: DateTime<Utc>, silence: Duration, limit: i64) -> QueryResult<Vec<Due>> {
    let now_db = to_db(now);
    let mut due: Vec<Due> = complaints::table
        .filter(complaints::responded_at.is_null())
        .filter(complaints::response_breached_at.is_null())
        .filter(complaints::ended_at.is_null())
        .filter(complaints::response_due_at.lt(now_db))
        .order(complaints::response_due_at)
        .select((complaints::merchant_id, complaints::id))
        .limit(limit)
        .load(conn)?;
    due.extend(
        complaints::table
            .filter(complaints::resolution_met_at.is_null())
            .filter(complaints::resolution_breached_at.is_null())
            .filter(complaints::ended_at.is_null())
            .filter(complaints::resolution_due_at.lt(now_db))
            // A proposal that reached the consumer in time waits for their
            // answer, not a breach; one that never reached them does not.
            .filter(not(complaints::state
                .eq(State::Proposed)
                .and(complaints::proposal_reached_at.is_not_null())
                .and(complaints::proposal_reached_at.le(complaints::resolution_due_at.nullable()))))
            .order(complaints::resolution_due_at)
            .select((complaints::merchant_id, complaints::id))
            .limit(limit)
            .load::<Due>(conn)?,
    );
    due.extend(
        complaints::table
            .filter(state_is(State::Proposed))
            .filter(complaints::proposal_reached_at.lt(to_db(now - silence)))
            .order(complaints::proposal_reached_at)
            .select((complaints::merchant_id, complaints::id))
            .limit(limit)
            .load::<Due>(conn)?,
    );
    due.sort_unstable();
    due.dedup();
    Ok(due)
}

/// The complaints with these ids, in id order.
pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<super::complaints::Complaint>> {
    complaints::table
        .filter(complaints::id.eq_any(ids))
        .select(super::complaints::Complaint::as_select())
        .order(complaints::id)
        .load(conn)
}

/// Complaints whose response deadline falls in `(from, to]`, unanswered.
pub fn response_due_between(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<super::complaints::Complaint>> {
    complaints::table
        .filter(complaints::responded_at.is_null())
        .filter(complaints::response_breached_at.is_null())
        .filter(complaints::ended_at.is_null())
        .filter(complaints::response_due_at.gt(to_db(from)))
        .filter(complaints::response_due_at.le(to_db(to)))
        .select(super::complaints::Complaint::as_select())
        .load(conn)
}

/// Complaints whose resolution deadline falls in `(from, to]`, unmet, not
/// waiting on the consumer and not with the platform (where the merchant
/// can no longer propose anything).
pub fn resolution_due_between(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<super::complaints::Complaint>> {
    complaints::table
        .filter(complaints::resolution_met_at.is_null())
        .filter(complaints::resolution_breached_at.is_null())
        .filter(complaints::ended_at.is_null())
        .filter(complaints::resolution_due_at.gt(to_db(from)))
        .filter(complaints::resolution_due_at.le(to_db(to)))
        .filter(complaints::state.ne(State::Escalated))
        // A proposal the consumer has had in time waits for them; one that
        // has not reached them yet will breach like no proposal at all.
        .filter(not(complaints::state
            .eq(State::Proposed)
            .and(complaints::proposal_reached_at.is_not_null())
            .and(complaints::proposal_reached_at.le(complaints::resolution_due_at.nullable()))))
        .select(super::complaints::Complaint::as_select())
        .load(conn)
}

/// Proposals that reached the consumer, still unanswered, whose answer-by
/// time (`reached + silence`) falls in `(from, to]`.
pub fn answer_due_between(
    conn: &mut DbConnection,
    silence: Duration,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<super::complaints::Complaint>> {
    complaints::table
        .filter(state_is(State::Proposed))
        .filter(complaints::proposal_reached_at.gt(to_db(from - silence)))
        .filter(complaints::proposal_reached_at.le(to_db(to - silence)))
        .select(super::complaints::Complaint::as_select())
        .load(conn)
}

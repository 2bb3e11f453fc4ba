//! The API's list of complaints: a merchant's (or, for a platform key,
//! everyone's) in order of their last update, then id, a page at a time
//! from a position, by the indexes `(merchant_id, updated_at, id)` and
//! `(updated_at, id)`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::complaints::Complaint;
use super::schema::{complaints, merchants};
use crate::domain::state::State;

/// What the list is filtered by; `None` is any.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// One merchant's complaints only (a merchant key).
    pub merchant: Option<i64>,
    /// The state as last recorded.
    pub state: Option<State>,
    /// Updated at or after this time.
    pub updated_since: Option<NaiveDateTime>,
    /// `Some(true)`: a deadline has passed unmet (`next_due_at` before
    /// `now`, as the merchant dashboard counts them); `Some(false)`: not.
    pub overdue: Option<bool>,
    pub now: NaiveDateTime,
    /// After this (update time, id): the next page.
    pub after: Option<(NaiveDateTime, i64)>,
}

/// The first `limit` complaints that pass `f`, with their merchant's name.
pub fn page(conn: &mut DbConnection, f: &ListFilter, limit: i64) -> QueryResult<Vec<(Complaint, String)>> {
    let mut q = complaints::table
        .inner_join(merchants::table)
        .filter(complaints::updated_at.is_not_null())
        .select((Complaint::as_select(), merchants::name))
        .into_boxed();
    if let Some(m) = f.merchant {
        q = q.filter(complaints::merchant_id.eq(m));
    }
    if let Some(state) = f.state {
        q = q.filter(complaints::state.eq(state));
    }
    if let Some(since) = f.updated_since {
        q = q.filter(complaints::updated_at.ge(since));
    }
    match f.overdue {
        Some(true) => q = q.filter(complaints::next_due_at.lt(f.now)),
        Some(false) => q = q.filter(complaints::next_due_at.is_null().or(complaints::next_due_at.ge(f.now))),
        None => {}
    }
    if let Some((at, id)) = f.after {
        q = q.filter(complaints::updated_at.gt(at).or(complaints::updated_at.eq(at).and(complaints::id.gt(id))));
    }
    q.order((complaints::updated_at.asc(), complaints::id.asc())).limit(limit).load(conn)
}

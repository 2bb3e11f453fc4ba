//! The merchant dashboard's queries. Every one is a range over an index
//! that starts with `merchant_id`, so a merchant with 100,000 complaints
//! costs what its page shows, not what it has stored.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::complaints::Complaint;
use super::schema::complaints;
use super::{DbConnection, to_db};
use crate::domain::category::Category;
use crate::domain::state::State;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// No reply yet.
    pub new: i64,
    /// A deadline falls due within the "soon" window.
    pub due_soon: i64,
    pub overdue: i64,
    pub awaiting_consumer: i64,
    pub resolved_30_days: i64,
}

pub fn counters(
    conn: &mut DbConnection,
    merchant_id: i64,
    now: DateTime<Utc>,
    soon: Duration,
) -> QueryResult<Counters> {
    let mine = || complaints::table.filter(complaints::merchant_id.eq(merchant_id));
    let now_db = to_db(now);
    Ok(Counters {
        new: mine().filter(complaints::state.eq(State::Submitted)).count().get_result(conn)?,
        due_soon: mine()
            .filter(complaints::next_due_at.ge(now_db))
            .filter(complaints::next_due_at.lt(to_db(now + soon)))
            .count()
            .get_result(conn)?,
        overdue: mine().filter(complaints::next_due_at.lt(now_db)).count().get_result(conn)?,
        awaiting_consumer: mine().filter(complaints::state.eq(State::Proposed)).count().get_result(conn)?,
        resolved_30_days: mine()
            .filter(complaints::resolved_at.ge(to_db(now - Duration::days(30))))
            .count()
            .get_result(conn)?,
    })
}

crate::slug_enum! {
    #[catalog("dashboard.due_")]
    /// The dashboard's filter by the nearest deadline.
    pub enum Due {
        Overdue => "overdue",
        Soon => "soon",
    }
}

/// Where the next page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// After this (deadline, id) in the list of complaints with a deadline running.
    Due(NaiveDateTime, i64),
    /// Below this id in a list by state, newest first.
    Id(i64),
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub state: Option<State>,
    pub category: Option<Category>,
    pub due: Option<Due>,
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// States where nothing is due from the merchant are listed newest
    /// first; everything else by the nearest deadline.
    pub fn by_state(&self) -> bool {
        matches!(self.state, Some(State::Proposed | State::Resolved | State::Closed | State::Withdrawn))
    }
}

/// One page of a merchant's complaints, and where the next one starts.
pub fn list(
    conn: &mut DbConnection,
    merchant_id: i64,
    q: &ListQuery,
    now: DateTime<Utc>,
    soon: Duration,
    limit: i64,
) -> QueryResult<(Vec<Complaint>, Option<Cursor>)> {
    let mut sql =
        complaints::table.filter(complaints::merchant_id.eq(merchant_id)).select(Complaint::as_select()).into_boxed();
    if let Some(state) = q.state {
        sql = sql.filter(complaints::state.eq(state));
    }
    if let Some(category) = q.category {
        sql = sql.filter(complaints::category.eq(category));
    }
    let by_state = q.by_state();
    if by_state {
        if let Some(Cursor::Id(id)) = q.after {
            sql = sql.filter(complaints::id.lt(id));
        }
        sql = sql.order(complaints::id.desc());
    } else {
        sql = sql.filter(complaints::next_due_at.is_not_null());
        match q.due {
            Some(Due::Overdue) => sql = sql.filter(complaints::next_due_at.lt(to_db(now))),
            Some(Due::Soon) => {
                sql = sql
                    .filter(complaints::next_due_at.ge(to_db(now)))
                    .filter(complaints::next_due_at.lt(to_db(now + soon)))
            }
            None => {}
        }
        if let Some(Cursor::Due(at, id)) = q.after {
            sql = sql
                .filter(complaints::next_due_at.ge(at))
                .filter(complaints::next_due_at.gt(at).or(complaints::id.gt(id)));
        }
        sql = sql.order((complaints::next_due_at.asc(), complaints::id.asc()));
    }
    let mut rows: Vec<Complaint> = sql.limit(limit + 1).load(conn)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|c| match (by_state, c.next_due_at) {
            (false, Some(at)) => Cursor::Due(at, c.id),
            _ => Cursor::Id(c.id),
        })
    } else {
        None
    };
    Ok((rows, next))
}

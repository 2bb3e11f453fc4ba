//! Looking complaints up by what staff type in a list's search box
//! (`domain::search`): one exact look-up per kind the query can be, each a
//! range of its own index (`complaints_reference`, `complaints_order_ref`,
//! `complaints_consumer_phone`), merged newest first. Never a `LIKE`, never
//! an `OR`, and never a range of the merchant's rows ([`of_merchant`]).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::complaints::Complaint;
use super::dashboard::{Due, ListQuery};
use super::schema::complaints;
use super::{DbConnection, to_db};
use crate::domain::search::Search;

/// One exact value to look complaints up by.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Reference(&'a str),
    Phone(&'a str),
    OrderRef(&'a str),
}

/// The look-ups a search makes, one a kind.
pub fn keys(search: &Search) -> Vec<Key<'_>> {
    let mut keys = Vec::new();
    if let Some(reference) = &search.reference {
        keys.push(Key::Reference(reference));
    }
    if let Some(phone) = &search.phone {
        keys.push(Key::Phone(phone.as_str()));
    }
    // One equality a spelling, not `= ANY(…)`: PostgreSQL's plan for an
    // array of unknown length expects ten matches and then preferred
    // walking the whole primary key newest first.
    keys.extend(search.order_refs.iter().map(|o| Key::OrderRef(o)));
    keys
}

/// Filters a boxed query of `complaints` (joined or not) by one key, and
/// pages it newest first: below `after`, by id.
macro_rules! by_key {
    ($sql:expr, $key:expr, $after:expr) => {{
        let sql = match $key {
            $crate::store::search::Key::Reference(r) => $sql.filter($crate::store::schema::complaints::reference.eq(r)),
            $crate::store::search::Key::Phone(p) => {
                $sql.filter($crate::store::schema::complaints::consumer_phone.eq(p))
            }
            $crate::store::search::Key::OrderRef(o) => $sql.filter($crate::store::schema::complaints::order_ref.eq(o)),
        };
        let sql = match $after {
            Some(id) => sql.filter($crate::store::schema::complaints::id.lt(id)),
            None => sql,
        };
        sql.order($crate::store::schema::complaints::id.desc())
    }};
}
pub(crate) use by_key;

/// `+complaints.merchant_id = ?`: one merchant's rows, the term written so
/// that no database reads them through an index on `merchant_id` (a unary
/// `+` keeps a term from choosing an index, as SQLite's documentation
/// advises). Without statistics SQLite otherwise ranged over all of the
/// merchant's complaints (`complaints_merchant_state`, say) rather than
/// the few with the phone number or the order number asked for.
pub fn of_merchant(
    merchant_id: i64,
) -> diesel::dsl::Eq<diesel::expression::SqlLiteral<diesel::sql_types::BigInt>, i64> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>("+complaints.merchant_id").eq(merchant_id)
}

/// The look-ups' rows (each newest first, at most `limit + 1`) as one
/// page: newest first, each complaint once, and the id the next page
/// starts below when there is more.
pub fn merge<T>(parts: Vec<Vec<T>>, id: impl Fn(&T) -> i64, limit: i64) -> (Vec<T>, Option<i64>) {
    let mut rows: Vec<T> = parts.into_iter().flatten().collect();
    rows.sort_by_key(|row| std::cmp::Reverse(id(row)));
    rows.dedup_by_key(|row| id(row));
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(&id);
        (rows, next)
    } else {
        (rows, None)
    }
}

/// A merchant's complaints that `search` names, with the dashboard's other
/// filters (state, category, nearest deadline), newest first; only this
/// merchant's, whatever was typed.
pub fn merchant(
    conn: &mut DbConnection,
    merchant_id: i64,
    search: &Search,
    list: &ListQuery,
    after: Option<i64>,
    (now, soon): (DateTime<Utc>, Duration),
    limit: i64,
) -> QueryResult<(Vec<Complaint>, Option<i64>)> {
    let mut parts = Vec::new();
    for key in keys(search) {
        let mut sql = complaints::table
            .filter(of_merchant(merchant_id))
            .select(Complaint::as_select())
            .limit(limit + 1)
            .into_boxed();
        if let Some(state) = list.state {
            sql = sql.filter(complaints::state.eq(state));
        }
        if let Some(category) = list.category {
            sql = sql.filter(complaints::category.eq(category));
        }
        match list.due {
            Some(Due::Overdue) => sql = sql.filter(complaints::next_due_at.lt(to_db(now))),
            Some(Due::Soon) => {
                sql = sql
                    .filter(complaints::next_due_at.ge(to_db(now)))
                    .filter(complaints::next_due_at.lt(to_db(now + soon)))
            }
            None => {}
        }
        parts.push(by_key!(sql, key, after).load(conn)?);
    }
    Ok(merge(parts, |c: &Complaint| c.id, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_pages_are_newest_first_each_once() {
        let (rows, next) = merge(vec![vec![9, 4, 2], vec![8, 4, 1], vec![]], |n| *n, 3);
        assert_eq!((rows, next), (vec![9, 8, 4], Some(4)));
        let (rows, next) = merge(vec![vec![3], vec![3, 1]], |n| *n, 3);
        assert_eq!((rows, next), (vec![3, 1], None));
    }
}

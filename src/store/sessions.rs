//! Staff sessions (found by their id's hash) and the addresses each
//! account has signed in from.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{login_failures, sessions, sign_in_addresses, users};
use super::{DbConnection, to_db};
use crate::domain::session::{FAILURE_WINDOW, Lifetimes};
use crate::domain::staff::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// What a request needs of the session's account (not its password hash).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub merchant_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub address: &'a str,
    pub user_agent: &'a str,
}

pub fn insert(conn: &mut DbConnection, new: &NewSession<'_>) -> QueryResult<i64> {
    diesel::insert_into(sessions::table).values(new).returning(sessions::id).get_result(conn)
}

/// The session with this id hash and its account: one query on a unique
/// index and the users' primary key.
pub fn find(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<(SessionRow, SessionUser)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((SessionRow::as_select(), SessionUser::as_select()))
        .first(conn)
        .optional()
}

/// Writes `last_seen_at = at` if it is `stale` or older (the domain's
/// rule, `TOUCH_AFTER`); whether it wrote.
pub fn touch(conn: &mut DbConnection, id: i64, at: DateTime<Utc>, stale: DateTime<Utc>) -> QueryResult<bool> {
    diesel::update(sessions::table.find(id).filter(sessions::last_seen_at.le(to_db(stale))))
        .set(sessions::last_seen_at.eq(to_db(at)))
        .execute(conn)
        .map(|n| n > 0)
}

/// Ends one session; how many rows went (0 when it had already ended).
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id)).execute(conn)
}

/// Ends every session of `user_id` but `keep` (none kept when `None`).
pub fn delete_of_user(conn: &mut DbConnection, user_id: i64, keep: Option<i64>) -> QueryResult<usize> {
    let of_user = sessions::table.filter(sessions::user_id.eq(user_id));
    match keep {
        Some(id) => diesel::delete(of_user.filter(sessions::id.ne(id))).execute(conn),
        None => diesel::delete(of_user).execute(conn),
    }
}

/// How many sessions `user_id` has.
pub fn count_of_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    sessions::table.filter(sessions::user_id.eq(user_id)).count().get_result(conn)
}

/// Removes sessions past their lifetime and failures past the throttle's
/// window, so neither table grows for ever; returns the rows removed.
pub fn prune(conn: &mut DbConnection, lifetimes: Lifetimes, now: DateTime<Utc>) -> QueryResult<usize> {
    let idle = sessions::last_seen_at.le(to_db(now - lifetimes.idle));
    let old = sessions::created_at.le(to_db(now - lifetimes.absolute));
    let gone = diesel::delete(sessions::table.filter(idle.or(old))).execute(conn)?;
    let stale = login_failures::at.lt(to_db(now - FAILURE_WINDOW));
    Ok(gone + diesel::delete(login_failures::table.filter(stale)).execute(conn)?)
}

/// Whether `user_id` has signed in from `address` before.
pub fn is_known_address(conn: &mut DbConnection, user_id: i64, address: &str) -> QueryResult<bool> {
    let row = sign_in_addresses::table.find((user_id, address));
    diesel::select(diesel::dsl::exists(row)).get_result(conn)
}

/// Records that `user_id` signed in from `address` at `at` (once per
/// pair; a second sign-in moves `last_at`).
pub fn remember_address(conn: &mut DbConnection, user_id: i64, address: &str, at: DateTime<Utc>) -> QueryResult<()> {
    let row = (
        sign_in_addresses::user_id.eq(user_id),
        sign_in_addresses::address.eq(address),
        sign_in_addresses::last_at.eq(to_db(at)),
    );
    // Two sign-ins from one address at once must not fail on the key: an
    // upsert, which the backends spell alike but diesel only offers on
    // each backend's own connection.
    crate::on_backend!(conn, |c| diesel::insert_into(sign_in_addresses::table)
        .values(row)
        .on_conflict((sign_in_addresses::user_id, sign_in_addresses::address))
        .do_update()
        .set(sign_in_addresses::last_at.eq(to_db(at)))
        .execute(c))
    .map(drop)
}

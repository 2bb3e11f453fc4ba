//! Staff accounts and failed sign-ins.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{login_failures, users};
use super::{DbConnection, to_db};
use crate::domain::staff::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub merchant_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub merchant_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewUser<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table).values(new).returning(users::id).get_result(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::email.eq(email)).select(User::as_select()).first(conn).optional()
}

/// Records a failed (or, while it is checked, a pending) sign-in; returns
/// its id.
pub fn record_failure(conn: &mut DbConnection, account: &str, address: &str, at: DateTime<Utc>) -> QueryResult<i64> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::account.eq(account),
            login_failures::address.eq(address),
            login_failures::at.eq(to_db(at)),
        ))
        .returning(login_failures::id)
        .get_result(conn)
}

/// Removes one recorded attempt (it turned out right, or tested nothing).
pub fn delete_failure(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(login_failures::table.find(id)).execute(conn).map(drop)
}

/// Failed sign-ins in a throttle's window: how many, and the last one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub last: Option<NaiveDateTime>,
}

/// Failures since `since`: of this account from this address, from this
/// address, and of this account (each one indexed query), leaving out the
/// row `except` (the attempt being checked).
pub fn failures_since(
    conn: &mut DbConnection,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
    except: Option<i64>,
) -> QueryResult<[Failures; 3]> {
    use diesel::dsl::{count_star, max};
    // Ids start at 1, so -1 leaves nothing out (and keeps one query type).
    let recent = login_failures::table
        .filter(login_failures::at.ge(to_db(since)))
        .filter(login_failures::id.ne(except.unwrap_or(-1)));
    let figures = (count_star(), max(login_failures::at));
    let (pair, by_address, by_account): ((i64, _), (i64, _), (i64, _)) = (
        recent
            .filter(login_failures::account.eq(account))
            .filter(login_failures::address.eq(address))
            .select(figures)
            .first(conn)?,
        recent.filter(login_failures::address.eq(address)).select(figures).first(conn)?,
        recent.filter(login_failures::account.eq(account)).select(figures).first(conn)?,
    );
    let f = |(count, last)| Failures { count, last };
    Ok([f(pair), f(by_address), f(by_account)])
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<User>> {
    users::table.find(id).select(User::as_select()).first(conn).optional()
}

pub fn set_password_hash(conn: &mut DbConnection, id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id)).set(users::password_hash.eq(hash)).execute(conn).map(drop)
}

/// A merchant's staff: (e-mail, since).
pub fn staff_of(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    users::table
        .filter(users::merchant_id.eq(merchant_id))
        .select((users::email, users::created_at))
        .order(users::email)
        .load(conn)
}

/// Every supervisor's e-mail, for notices to the platform.
pub fn supervisor_emails(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    // For every escalation: on the backend's own connection (`on_backend!`).
    let query = users::table.filter(users::role.eq(Role::Supervisor)).select(users::email).order(users::id);
    crate::on_backend!(conn, |c| query.load(c))
}

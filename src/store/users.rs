//! Staff accounts and failed sign-ins.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{login_failures, users};
use super::{DbConnection, to_db};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub merchant_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub merchant_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewUser<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table).values(new).returning(users::id).get_result(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::email.eq(email)).select(User::as_select()).first(conn).optional()
}

pub fn record_failure(conn: &mut DbConnection, account: &str, address: &str, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::account.eq(account),
            login_failures::address.eq(address),
            login_failures::at.eq(to_db(at)),
        ))
        .execute(conn)
        .map(drop)
}

/// Failed sign-ins since `since` for this account and from this address.
pub fn failures_since(
    conn: &mut DbConnection,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
) -> QueryResult<(i64, i64)> {
    let recent = login_failures::at.ge(to_db(since));
    let by_account =
        login_failures::table.filter(login_failures::account.eq(account)).filter(recent).count().get_result(conn)?;
    let by_address =
        login_failures::table.filter(login_failures::address.eq(address)).filter(recent).count().get_result(conn)?;
    Ok((by_account, by_address))
}

/// The oldest failure still counted, to say when trying again makes sense.
pub fn oldest_failure_since(
    conn: &mut DbConnection,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
) -> QueryResult<Option<NaiveDateTime>> {
    login_failures::table
        .filter(login_failures::account.eq(account).or(login_failures::address.eq(address)))
        .filter(login_failures::at.ge(to_db(since)))
        .select(diesel::dsl::min(login_failures::at))
        .first(conn)
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
    let query = users::table.filter(users::role.eq("supervisor")).select(users::email).order(users::id);
    crate::on_backend!(conn, |c| query.load(c))
}

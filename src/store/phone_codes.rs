//! The codes that prove phone numbers (only their keyed hashes), the sends
//! counted per number and per client address, and what a proved number
//! opens: its complaints, marked verified. Each change that must happen
//! once (a try counted, a code used) is one conditional UPDATE, so two
//! requests at once cannot both win.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{complaints, merchants, phone_codes};
use super::{DbConnection, to_db};
use crate::domain::offender::Named;
use crate::domain::state::State;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = phone_codes)]
pub struct CodeRow {
    pub id: i64,
    pub phone: String,
    pub purpose: String,
    pub code_hash: String,
    pub address: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub attempts: i32,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = phone_codes)]
pub struct NewCode<'a> {
    pub phone: &'a str,
    pub purpose: &'a str,
    pub code_hash: &'a str,
    pub address: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Holds, until the transaction ends, the right to count and send for
/// `phone` and for `address`, so that two instances sending at once cannot
/// both pass the hour's limit. On PostgreSQL, transaction-scoped advisory
/// locks (the number's first, then the address's: no two sends wait on
/// each other in a cycle); SQLite's write transaction is one writer
/// already.
pub fn lock_sends(conn: &mut DbConnection, phone: &str, address: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        for key in [format!("phone:{phone}"), format!("address:{address}")] {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(pg)?;
        }
    }
    Ok(())
}

pub fn insert(conn: &mut DbConnection, row: &NewCode<'_>) -> QueryResult<i64> {
    diesel::insert_into(phone_codes::table).values(row).returning(phone_codes::id).get_result(conn)
}

/// When the codes sent to `phone` since `since` were sent (any purpose):
/// a range of `phone_codes_phone`.
pub fn sent_to(conn: &mut DbConnection, phone: &str, since: DateTime<Utc>) -> QueryResult<Vec<NaiveDateTime>> {
    phone_codes::table
        .filter(phone_codes::phone.eq(phone))
        .filter(phone_codes::created_at.gt(to_db(since)))
        .select(phone_codes::created_at)
        .load(conn)
}

/// When the codes asked for from `address` since `since` were sent: a range
/// of `phone_codes_address`.
pub fn sent_from(conn: &mut DbConnection, address: &str, since: DateTime<Utc>) -> QueryResult<Vec<NaiveDateTime>> {
    phone_codes::table
        .filter(phone_codes::address.eq(address))
        .filter(phone_codes::created_at.gt(to_db(since)))
        .select(phone_codes::created_at)
        .load(conn)
}

/// The last code sent to `phone` for `purpose`: the only one an answer is
/// weighed against (asking for a new code retires the earlier ones).
pub fn latest(conn: &mut DbConnection, phone: &str, purpose: &str) -> QueryResult<Option<CodeRow>> {
    phone_codes::table
        .filter(phone_codes::phone.eq(phone))
        .filter(phone_codes::purpose.eq(purpose))
        .order((phone_codes::created_at.desc(), phone_codes::id.desc()))
        .select(CodeRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CodeRow>> {
    phone_codes::table.find(id).select(CodeRow::as_select()).first(conn).optional()
}

/// Counts an answer to code `id`, if it may still take one (unused, fewer
/// than `tries` answers). Returns whether it was counted.
pub fn count_try(conn: &mut DbConnection, id: i64, tries: i32) -> QueryResult<bool> {
    let counted = diesel::update(
        phone_codes::table.find(id).filter(phone_codes::used_at.is_null()).filter(phone_codes::attempts.lt(tries)),
    )
    .set(phone_codes::attempts.eq(phone_codes::attempts + 1))
    .execute(conn)?;
    Ok(counted == 1)
}

/// Marks code `id` used at `now`, if it was not. Returns whether it was
/// this call that used it.
pub fn use_code(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let used = diesel::update(phone_codes::table.find(id).filter(phone_codes::used_at.is_null()))
        .set(phone_codes::used_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(used == 1)
}

/// One complaint filed with a number, as `/my` lists it.
#[derive(Debug, Clone, Queryable)]
pub struct Filed {
    pub reference: String,
    pub token: String,
    pub merchant: String,
    pub state: State,
    pub submitted_at: NaiveDateTime,
    pub verified: bool,
}

/// Every complaint filed with `phone`, newest first (a range of
/// `complaints_consumer_phone`), at most `limit`.
pub fn complaints_of(conn: &mut DbConnection, phone: &str, limit: i64) -> QueryResult<Vec<Filed>> {
    complaints::table
        .inner_join(merchants::table)
        .filter(complaints::consumer_phone.eq(phone))
        .order((complaints::submitted_at.desc(), complaints::id.desc()))
        .select((
            complaints::reference,
            complaints::token,
            merchants::name,
            complaints::state,
            complaints::submitted_at,
            complaints::phone_verified_at.is_not_null(),
        ))
        .limit(limit)
        .load(conn)
}

/// Marks every complaint filed with `phone` and not yet verified as
/// verified at `now`; returns whom they count against (their merchants,
/// hosts and products), once each.
pub fn verify_all(conn: &mut DbConnection, phone: &str, now: DateTime<Utc>) -> QueryResult<Vec<Named>> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = diesel::update(
        complaints::table.filter(complaints::consumer_phone.eq(phone)).filter(complaints::phone_verified_at.is_null()),
    )
    .set(complaints::phone_verified_at.eq(to_db(now)))
    .returning((complaints::merchant_id, complaints::host_id, complaints::product_id))
    .get_results(conn)?;
    let mut named: Vec<Named> =
        rows.into_iter().map(|(merchant_id, host_id, product_id)| Named { merchant_id, host_id, product_id }).collect();
    named.sort_unstable();
    named.dedup();
    Ok(named)
}

/// Marks complaint `id` verified at `now` (its number proved as it was
/// filed).
pub fn verify_one(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(complaints::table.find(id)).set(complaints::phone_verified_at.eq(to_db(now))).execute(conn).map(drop)
}

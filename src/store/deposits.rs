//! The deposit: the requirement table, the append-only ledger (a balance is
//! the sum of a merchant's entries, read from one range of
//! `deposit_entries_merchant`), and the automatic restrictions of a
//! deposit left short.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::schema::{complaints, deposit_entries, deposit_requirements, deposit_restrictions, merchant_actions, users};
use super::{DbConnection, to_db};
use crate::domain::deposit::EntryKind;

/// One row of the requirement table, with who changed it last.
#[derive(Debug, Clone, Queryable)]
pub struct RequirementRow {
    pub category: String,
    pub required_fen: i64,
    pub changed_at: Option<NaiveDateTime>,
    pub changed_by: Option<String>,
}

pub fn requirement_rows(conn: &mut DbConnection) -> QueryResult<Vec<RequirementRow>> {
    deposit_requirements::table
        .left_join(users::table.on(users::id.nullable().eq(deposit_requirements::changed_by)))
        .select((
            deposit_requirements::category,
            deposit_requirements::required_fen,
            deposit_requirements::changed_at,
            users::email.nullable(),
        ))
        .load(conn)
}

/// The rows of `keys` (a merchant's categories and `none`), (key, fen).
pub fn requirements_of(conn: &mut DbConnection, keys: &[&str]) -> QueryResult<Vec<(String, i64)>> {
    deposit_requirements::table
        .filter(deposit_requirements::category.eq_any(keys))
        .select((deposit_requirements::category, deposit_requirements::required_fen))
        .load(conn)
}

/// Sets the requirement of `category`; returns the one it replaced
/// (`None`: there was no row, and one is made).
pub fn set_requirement(
    conn: &mut DbConnection,
    category: &str,
    fen: i64,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<Option<i64>> {
    let before: Option<i64> =
        deposit_requirements::table.find(category).select(deposit_requirements::required_fen).first(conn).optional()?;
    let set = (
        deposit_requirements::required_fen.eq(fen),
        deposit_requirements::changed_at.eq(Some(to_db(now))),
        deposit_requirements::changed_by.eq(Some(by)),
    );
    match before {
        Some(_) => diesel::update(deposit_requirements::table.find(category)).set(set).execute(conn)?,
        None => diesel::insert_into(deposit_requirements::table)
            .values((deposit_requirements::category.eq(category), set))
            .execute(conn)?,
    };
    Ok(before)
}

/// An entry to record.
pub struct NewEntry<'a> {
    pub merchant_id: i64,
    pub kind: EntryKind,
    pub amount_fen: i64,
    pub note: &'a str,
    pub complaint_id: Option<i64>,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
    pub top_up_due: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut DbConnection, e: &NewEntry<'_>) -> QueryResult<i64> {
    diesel::insert_into(deposit_entries::table)
        .values((
            deposit_entries::merchant_id.eq(e.merchant_id),
            deposit_entries::kind.eq(e.kind),
            deposit_entries::amount_fen.eq(e.amount_fen),
            deposit_entries::note.eq(e.note),
            deposit_entries::complaint_id.eq(e.complaint_id),
            deposit_entries::recorded_by.eq(e.recorded_by),
            deposit_entries::recorded_at.eq(to_db(e.recorded_at)),
            deposit_entries::top_up_due.eq(e.top_up_due.map(to_db)),
        ))
        .returning(deposit_entries::id)
        .get_result(conn)
}

/// The sum of the merchant's entries (zero for none).
pub fn balance(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<i64> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
    deposit_entries::table
        .filter(deposit_entries::merchant_id.eq(merchant_id))
        .select(diesel::dsl::sql::<BigInt>("CAST(COALESCE(SUM(deposit_entries.amount_fen), 0) AS BIGINT)"))
        .get_result(conn)
}

/// An entry as the ledger shows it: who recorded it, and its complaint's
/// reference.
#[derive(Debug, Clone, Queryable)]
pub struct EntryRow {
    pub id: i64,
    pub kind: EntryKind,
    pub amount_fen: i64,
    pub note: String,
    pub recorded_at: NaiveDateTime,
    pub top_up_due: Option<NaiveDateTime>,
    pub recorded_by: String,
    pub complaint: Option<String>,
}

/// The merchant's ledger, in the order it was recorded.
pub fn ledger(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<EntryRow>> {
    deposit_entries::table
        .inner_join(users::table)
        .left_join(complaints::table)
        .filter(deposit_entries::merchant_id.eq(merchant_id))
        .select((
            deposit_entries::id,
            deposit_entries::kind,
            deposit_entries::amount_fen,
            deposit_entries::note,
            deposit_entries::recorded_at,
            deposit_entries::top_up_due,
            users::email,
            complaints::reference.nullable(),
        ))
        .order(deposit_entries::id)
        .load(conn)
}

/// A compensation whose top-up fell due, as the sweeper reads it.
#[derive(Debug, Clone, Queryable)]
pub struct DueEntry {
    pub id: i64,
    pub merchant_id: i64,
    pub amount_fen: i64,
    pub complaint_id: Option<i64>,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
    pub top_up_due: Option<NaiveDateTime>,
}

/// Compensations whose top-up is due by `now` and that no sweep has
/// looked at: a range of `deposit_entries_top_up_due`, which holds only those.
pub fn due(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64) -> QueryResult<Vec<DueEntry>> {
    deposit_entries::table
        .filter(deposit_entries::top_up_due.is_not_null())
        .filter(deposit_entries::swept_at.is_null())
        .filter(deposit_entries::top_up_due.le(to_db(now)))
        .select((
            deposit_entries::id,
            deposit_entries::merchant_id,
            deposit_entries::amount_fen,
            deposit_entries::complaint_id,
            deposit_entries::recorded_by,
            deposit_entries::recorded_at,
            deposit_entries::top_up_due,
        ))
        .order((deposit_entries::top_up_due, deposit_entries::id))
        .limit(limit)
        .load(conn)
}

/// The sweep's claim on a due compensation: true for the one sweep that
/// set it.
pub fn claim(conn: &mut DbConnection, entry_id: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(deposit_entries::table.find(entry_id).filter(deposit_entries::swept_at.is_null()))
        .set(deposit_entries::swept_at.eq(Some(to_db(now))))
        .execute(conn)?;
    Ok(n == 1)
}

/// The merchant's automatic restriction in force: (its row, its action),
/// if one is.
pub fn open_restriction(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Option<(i64, i64)>> {
    deposit_restrictions::table
        .filter(deposit_restrictions::merchant_id.eq(merchant_id))
        .filter(deposit_restrictions::lifted_at.is_null())
        .select((deposit_restrictions::id, deposit_restrictions::action_id))
        .first(conn)
        .optional()
}

/// Whether the action `action_id` has ended (lifted by hand or reversed).
pub fn action_ended(conn: &mut DbConnection, action_id: i64) -> QueryResult<bool> {
    merchant_actions::table
        .find(action_id)
        .select(merchant_actions::ended_at.is_not_null())
        .first(conn)
        .optional()
        .map(|ended| ended.unwrap_or(true))
}

/// Records that `action_id` is the automatic restriction for the
/// compensation `entry_id`. Refused by `deposit_restrictions_open` while
/// another is open for the merchant.
pub fn insert_restriction(conn: &mut DbConnection, merchant_id: i64, action_id: i64, entry_id: i64) -> QueryResult<()> {
    diesel::insert_into(deposit_restrictions::table)
        .values((
            deposit_restrictions::merchant_id.eq(merchant_id),
            deposit_restrictions::action_id.eq(action_id),
            deposit_restrictions::entry_id.eq(entry_id),
        ))
        .execute(conn)
        .map(drop)
}

pub fn close_restriction(conn: &mut DbConnection, id: i64, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(deposit_restrictions::table.find(id).filter(deposit_restrictions::lifted_at.is_null()))
        .set(deposit_restrictions::lifted_at.eq(Some(to_db(at))))
        .execute(conn)
        .map(drop)
}

/// The merchant's actions that were taken automatically for its deposit.
pub fn automatic_actions(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<i64>> {
    deposit_restrictions::table
        .filter(deposit_restrictions::merchant_id.eq(merchant_id))
        .select(deposit_restrictions::action_id)
        .load(conn)
}

/// Holds the merchant's ledger until the transaction ends, so that the
/// balance read and what is decided from it stay true together (a top-up
/// lifting a restriction while a sweep takes one). SQLite's write
/// transaction holds the whole database already; PostgreSQL locks the
/// merchant's row.
pub fn lock_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(_) => Ok(()),
        DbConnection::Pg(pg) => super::schema::merchants::table
            .find(merchant_id)
            .select(super::schema::merchants::id)
            // Not FOR UPDATE: every row inserted for the merchant (a relief,
            // a notice) holds its KEY SHARE lock for the foreign key, which
            // FOR UPDATE waits on — two rulings at once would deadlock.
            .for_no_key_update()
            .load::<i64>(pg)
            .map(drop),
    }
}

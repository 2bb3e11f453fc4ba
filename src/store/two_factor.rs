//! Two-factor enrolments and recovery codes. Every change that must happen
//! once (a step used, a recovery code spent, a failure counted) is one
//! conditional UPDATE, so two requests at once cannot both win.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{recovery_codes, two_factor};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = two_factor)]
pub struct Enrolment {
    pub user_id: i64,
    pub sealed_secret: String,
    pub last_step: i64,
    pub round: i64,
    pub round_failures: i32,
    pub window_failures: i32,
    pub window_start: NaiveDateTime,
    pub enrolled_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = two_factor)]
pub struct NewEnrolment<'a> {
    pub user_id: i64,
    pub sealed_secret: &'a str,
    pub last_step: i64,
    pub window_start: NaiveDateTime,
    pub enrolled_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<Enrolment>> {
    two_factor::table.find(user_id).select(Enrolment::as_select()).first(conn).optional()
}

pub fn insert(conn: &mut DbConnection, row: &NewEnrolment<'_>) -> QueryResult<()> {
    diesel::insert_into(two_factor::table).values(row).execute(conn).map(drop)
}

/// Starts a new round (a correct password): the pending sign-ins of
/// earlier rounds are void. Returns the new round, `None` if not enrolled.
pub fn next_round(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<i64>> {
    diesel::update(two_factor::table.find(user_id))
        .set((two_factor::round.eq(two_factor::round + 1), two_factor::round_failures.eq(0)))
        .returning(two_factor::round)
        .get_result(conn)
        .optional()
}

/// Records a code of `step` as used, if no code of it or a later step was.
pub fn claim_step(conn: &mut DbConnection, user_id: i64, step: i64) -> QueryResult<bool> {
    let claimed = diesel::update(two_factor::table.find(user_id).filter(two_factor::last_step.lt(step)))
        .set(two_factor::last_step.eq(step))
        .execute(conn)?;
    Ok(claimed == 1)
}

/// Counts a wrong code in `round` and in the window (begun anew at `now`
/// when the last one started before `window_from`). Returns the counts
/// after it, `None` if the round is no longer current.
pub fn count_failure(
    conn: &mut DbConnection,
    user_id: i64,
    round: i64,
    now: NaiveDateTime,
    window_from: NaiveDateTime,
) -> QueryResult<Option<(i32, i32)>> {
    diesel::update(two_factor::table.find(user_id).filter(two_factor::window_start.lt(window_from)))
        .set((two_factor::window_failures.eq(0), two_factor::window_start.eq(now)))
        .execute(conn)?;
    diesel::update(two_factor::table.find(user_id).filter(two_factor::round.eq(round)))
        .set((
            two_factor::round_failures.eq(two_factor::round_failures + 1),
            two_factor::window_failures.eq(two_factor::window_failures + 1),
        ))
        .returning((two_factor::round_failures, two_factor::window_failures))
        .get_result(conn)
        .optional()
}

/// Ends `round` (a right code, or too many wrong ones): its pending
/// sign-ins are void.
pub fn end_round(conn: &mut DbConnection, user_id: i64, round: i64) -> QueryResult<()> {
    diesel::update(two_factor::table.find(user_id).filter(two_factor::round.eq(round)))
        .set((two_factor::round.eq(two_factor::round + 1), two_factor::round_failures.eq(0)))
        .execute(conn)
        .map(drop)
}

pub fn insert_recovery(conn: &mut DbConnection, user_id: i64, code_hash: &str) -> QueryResult<()> {
    // One row at a time: multi-row inserts do not compile through the
    // connection enum, and there are only ten.
    diesel::insert_into(recovery_codes::table)
        .values((recovery_codes::user_id.eq(user_id), recovery_codes::code_hash.eq(code_hash)))
        .execute(conn)
        .map(drop)
}

/// Spends the unused recovery code with this hash, if there is one.
pub fn use_recovery(conn: &mut DbConnection, user_id: i64, code_hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let unused = recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::code_hash.eq(code_hash))
        .filter(recovery_codes::used_at.is_null());
    let spent = diesel::update(unused).set(recovery_codes::used_at.eq(Some(now))).execute(conn)?;
    Ok(spent >= 1)
}

/// Recovery codes not yet used.
pub fn recovery_left(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Removes the enrolment and its recovery codes; whether there was one.
pub fn remove(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)?;
    Ok(diesel::delete(two_factor::table.find(user_id)).execute(conn)? == 1)
}

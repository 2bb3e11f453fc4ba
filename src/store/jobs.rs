//! Where background jobs got to.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::job_marks;
use super::{DbConnection, from_db, to_db};

pub fn mark(conn: &mut DbConnection, name: &str) -> QueryResult<Option<DateTime<Utc>>> {
    job_marks::table.find(name).select(job_marks::at).first(conn).optional().map(|at| at.map(from_db))
}

pub fn set_mark(conn: &mut DbConnection, name: &str, at: DateTime<Utc>) -> QueryResult<()> {
    let n = diesel::update(job_marks::table.find(name)).set(job_marks::at.eq(to_db(at))).execute(conn)?;
    if n == 0 {
        diesel::insert_into(job_marks::table)
            .values((job_marks::name.eq(name), job_marks::at.eq(to_db(at))))
            .execute(conn)?;
    }
    Ok(())
}

/// Runs `work` unless another process is running the job `name` right now,
/// in which case it returns `None` at once: the other one does the work.
///
/// PostgreSQL: a session advisory lock on this connection, released when
/// `work` ends (or when the connection drops, should the process die).
/// SQLite: one file on one machine, where each of the job's transactions
/// takes the write lock; the job is written so that two runs interleaving
/// their transactions still do each thing once.
pub fn exclusive<T, E>(
    conn: &mut DbConnection,
    name: &str,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<Option<T>, E>
where
    E: From<diesel::result::Error>,
{
    if !matches!(conn, DbConnection::Pg(_)) {
        return work(conn).map(Some);
    }
    let key = lock_key(name);
    let locked: bool = diesel::select(pg_try_advisory_lock(key)).get_result(conn)?;
    if !locked {
        return Ok(None);
    }
    // Unlocked even if `work` panics: a lock left on a pooled connection
    // would stop the job in every instance for as long as it lives.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(conn)));
    // A failure to unlock means the connection is gone, and the lock with it.
    let _: QueryResult<bool> = diesel::select(pg_advisory_unlock(key)).get_result(conn);
    match result {
        Ok(result) => result.map(Some),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// PostgreSQL: waits until no other process is migrating, then holds the
/// migration lock on this connection.
pub fn lock_migrations(pg: &mut diesel::PgConnection) -> QueryResult<()> {
    diesel::select(pg_advisory_lock(lock_key("migrations"))).execute(pg).map(drop)
}

pub fn unlock_migrations(pg: &mut diesel::PgConnection) {
    let _: QueryResult<bool> = diesel::select(pg_advisory_unlock(lock_key("migrations"))).get_result(pg);
}

diesel::define_sql_function! {
    fn pg_advisory_lock(key: diesel::sql_types::BigInt);
}
diesel::define_sql_function! {
    fn pg_try_advisory_lock(key: diesel::sql_types::BigInt) -> diesel::sql_types::Bool;
}
diesel::define_sql_function! {
    fn pg_advisory_unlock(key: diesel::sql_types::BigInt) -> diesel::sql_types::Bool;
}

/// A stable 64-bit key for a job's name (FNV-1a), the same in every
/// process and version.
fn lock_key(name: &str) -> i64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    hash as i64
}

#[cfg(test)]
mod tests {
    #[test]
    fn lock_keys_are_stable_and_distinct() {
        assert_eq!(super::lock_key("sweeper"), super::lock_key("sweeper"));
        assert_ne!(super::lock_key("sweeper"), super::lock_key("dispatcher"));
        // FNV-1a of the empty string is its offset basis.
        assert_eq!(super::lock_key("") as u64, 0xcbf2_9ce4_8422_2325);
    }
}

//! Keeping the database itself: the embedded migrations of each backend,
//! and backups of a SQLite file.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConnection, StoreError, jobs};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations; returns the names of those it applied.
pub fn migrate(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let names = |applied: Vec<diesel::migration::MigrationVersion<'_>>| applied.iter().map(|m| m.to_string()).collect();
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migrate(e.to_string());
    // Processes starting together migrate one at a time; the later ones
    // wait, then find nothing pending.
    match conn {
        // Under the write lock.
        DbConnection::Sqlite(c) => {
            c.immediate_transaction(|c| c.run_pending_migrations(SQLITE_MIGRATIONS).map(names).map_err(failed))
        }
        // Under an advisory lock (DDL takes no lock that would do).
        DbConnection::Pg(c) => {
            jobs::lock_migrations(c)?;
            let applied = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(names).map_err(failed);
            jobs::unlock_migrations(c);
            applied
        }
    }
}

/// Copies a SQLite database to `file` while others read and write it:
/// `VACUUM INTO` writes a consistent snapshot (one read transaction),
/// compacted. PostgreSQL has `pg_dump` for this.
pub fn backup(conn: &mut DbConnection, file: &std::path::Path) -> Result<(), StoreError> {
    if matches!(conn, DbConnection::Pg(_)) {
        return Err(StoreError::Backup("the database is PostgreSQL: back it up with pg_dump (docs/deploy.md)".into()));
    }
    if file.exists() {
        return Err(StoreError::Backup(format!("{} exists already; choose a new file", file.display())));
    }
    // A path is not a bindable parameter here; quote it as SQL quotes text.
    let path = file.to_string_lossy().replace('\'', "''");
    conn.batch_execute(&format!("VACUUM INTO '{path}'"))?;
    Ok(())
}

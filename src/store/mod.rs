//! Persistence with diesel. One [`DbConnection`] enum serves SQLite (the
//! embedded default) and PostgreSQL through the same query code; the backend
//! is chosen from the URL's scheme, migrations are embedded per backend.

pub mod actions;
pub mod audit;
pub mod complaints;
pub mod dashboard;
pub mod evidence;
pub mod flags;
mod gate;
pub mod gauges;
pub mod jobs;
pub mod merchants;
pub mod outbox;
pub mod ratings;
pub mod report;
pub mod retention;
pub mod schema;
pub mod sessions;
pub mod supervision;
pub mod sweep;
pub mod two_factor;
pub mod users;
pub mod writer;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

pub type Pool = r2d2::Pool<DbManager>;

/// Where the data lives, from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite(PathBuf),
    Postgres(String),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL {0:?}: use sqlite://PATH or postgres://…")]
    UnknownScheme(String),
    #[error("cannot create {0}: {1}")]
    Directory(PathBuf, std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] r2d2::PoolError),
    #[error("cannot connect to the database: {0}")]
    Open(String),
    #[error("migrations failed: {0}")]
    Migrate(String),
    #[error("no backup made: {0}")]
    Backup(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(StoreError::UnknownScheme(url.into()));
            }
            Ok(Backend::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(url.into()))
        } else {
            Err(StoreError::UnknownScheme(url.into()))
        }
    }
}

/// SQLite checkpoints its log (copies it back into the database file) by
/// itself only once the log holds this many pages (about 160 MB): the
/// server's checkpointer (`jobs::checkpointer`) does it every second, off
/// any request's path, and this is the backstop for when it cannot, or for
/// a command that writes while no server runs.
pub const WAL_BACKSTOP_PAGES: u32 = 40_000;

/// An r2d2 manager that opens the right kind of connection itself (rather
/// than `MultiConnection::establish`, which hides the real error) and sets
/// SQLite's pragmas on every connection.
#[derive(Debug)]
pub struct DbManager {
    pub(crate) backend: Backend,
    /// SQLite: how long to wait for another writer before "database is
    /// locked".
    pub(crate) busy_timeout: Duration,
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.backend {
            Backend::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(r2d2::Error::ConnectionError)?;
                // WAL with synchronous=FULL: a commit is on disk before we
                // acknowledge it. The busy timeout comes first so that
                // switching the journal mode waits for other connections;
                // where SQLite refuses to wait (two connections switching a
                // new file at once would deadlock), it is tried again.
                let pragmas = format!(
                    "PRAGMA busy_timeout = {};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA wal_autocheckpoint = {WAL_BACKSTOP_PAGES};",
                    self.busy_timeout.as_millis()
                );
                let deadline = std::time::Instant::now() + self.busy_timeout;
                loop {
                    match conn.batch_execute(&pragmas) {
                        Ok(()) => break,
                        Err(e) if e.to_string().contains("locked") && std::time::Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        Err(e) => return Err(r2d2::Error::QueryError(e)),
                    }
                }
                gate::register(&mut conn, self.busy_timeout).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres(url) => {
                PgConnection::establish(url).map(DbConnection::Pg).map_err(r2d2::Error::ConnectionError)
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// The backend of `url`, with the SQLite file's folder created if needed.
fn backend(url: &str) -> Result<Backend, StoreError> {
    let backend = Backend::from_url(url)?;
    if let Backend::Sqlite(path) = &backend
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Directory(dir.into(), e))?;
    }
    Ok(backend)
}

/// Opens a pool on `url`. `timeout` bounds the wait for a connection (and,
/// on SQLite, for the write lock): past it the request is answered 503
/// rather than left hanging. A PostgreSQL connection is checked before it
/// is handed out, so after the server comes back the pool replaces the
/// dead connections by itself; SQLite's are local files and do not break.
pub fn connect(url: &str, size: u32, timeout: Duration) -> Result<Pool, StoreError> {
    let backend = backend(url)?;
    let check = matches!(backend, Backend::Postgres(_));
    let pool = r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(timeout)
        .test_on_check_out(check)
        .error_handler(Box::new(LogErrors))
        .build_unchecked(DbManager { backend, busy_timeout: timeout });
    // The first connection now, so that a wrong URL stops the start.
    drop(pool.get()?);
    Ok(pool)
}

/// Connection failures go to the log once each, as warnings.
#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<r2d2::Error> for LogErrors {
    fn handle_error(&self, error: r2d2::Error) {
        tracing::warn!(%error, "database connection failed");
    }
}

/// One connection without a pool, for commands that run once and exit: a
/// pool opens connections on background threads, and a process that exits
/// while one of them is inside libpq can crash on the way out.
pub fn connect_one(url: &str) -> Result<DbConnection, StoreError> {
    let manager = DbManager { backend: backend(url)?, busy_timeout: Duration::from_secs(5) };
    r2d2::ManageConnection::connect(&manager).map_err(|e| StoreError::Open(e.to_string()))
}

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

impl DbConnection {
    /// A transaction that will write. On SQLite it begins `IMMEDIATE`, so it
    /// takes the write lock up front and waits on the busy timeout instead
    /// of failing when a read must turn into a write; on PostgreSQL it is an
    /// ordinary transaction. Inside a transaction it is a savepoint.
    pub fn write<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        // Inside a transaction already (a batch of the writer): a savepoint.
        let depth =
            <Self as Connection>::TransactionManager::transaction_manager_status_mut(self).transaction_depth()?;
        let gate = match self {
            DbConnection::Sqlite(c) if depth.is_none() => gate::of(c),
            _ => return self.transaction(f),
        };
        // This process's writers queue in the gate, then take SQLite's lock.
        let _pass = gate.as_deref().map(gate::Gate::enter).transpose()?;
        if let DbConnection::Sqlite(c) = self {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        }
        match f(self) {
            Ok(value) => {
                <Self as Connection>::TransactionManager::commit_transaction(self)?;
                Ok(value)
            }
            Err(e) => {
                // As diesel's own `transaction`: the caller's error is the
                // one worth reporting unless the rollback itself failed.
                match <Self as Connection>::TransactionManager::rollback_transaction(self) {
                    Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
                    Err(rollback) => Err(rollback.into()),
                }
            }
        }
    }

    /// A trivial query: does the database answer?
    pub fn ping(&mut self) -> diesel::QueryResult<()> {
        self.batch_execute("SELECT 1")
    }
}

/// Runs one diesel expression on the connection inside the enum, each
/// backend's own. Through the enum, every statement is first written out
/// as SQL for the backend's sake, even one already prepared; run on the
/// connection itself, a prepared statement is found by its type alone. For
/// the statements the sweep and intake run per complaint.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::store::DbConnection::Sqlite($c) => $body,
            $crate::store::DbConnection::Pg($c) => $body,
        }
    };
}

/// An `UPDATE table SET … WHERE …` that SQLite may keep prepared: diesel
/// prepares every `UPDATE` of its own afresh (it never caches one), and on
/// the sweep's and the dispatcher's hot paths parsing the same statement
/// again was a sixth of the time. Cached by its text, which says everything
/// that varies (a changeset that skips unchanged columns gives another
/// text, cached apart).
pub struct Update<F, C, W> {
    from: F,
    set: C,
    filter: W,
}

/// `UPDATE table SET set WHERE filter`, kept prepared.
pub fn update<T, S, W>(table: T, set: S, filter: W) -> Update<T::FromClause, S::Changeset, W>
where
    T: diesel::Table,
    S: diesel::AsChangeset<Target = T>,
{
    Update { from: diesel::QuerySource::from_clause(&table), set: set.as_changeset(), filter }
}

impl<F, C, W, DB> diesel::query_builder::QueryFragment<DB> for Update<F, C, W>
where
    DB: diesel::backend::Backend,
    F: diesel::query_builder::QueryFragment<DB>,
    C: diesel::query_builder::QueryFragment<DB>,
    W: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> diesel::QueryResult<()> {
        out.push_sql("UPDATE ");
        self.from.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        self.set.walk_ast(out.reborrow())?;
        out.push_sql(" WHERE ");
        self.filter.walk_ast(out.reborrow())
    }
}

impl<F, C, W> diesel::query_builder::QueryId for Update<F, C, W> {
    type QueryId = ();
    // Keyed by its SQL text, never by its type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, C, W, Conn> diesel::RunQueryDsl<Conn> for Update<F, C, W> {}

/// `complaints.state = '<state>'` written out in the SQL rather than bound,
/// so that both databases see it matches a partial index's predicate.
pub fn state_is(state: crate::domain::state::State) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    // The slug is one of our own constants: nothing typed by anyone.
    diesel::dsl::sql(&format!("complaints.state = '{}'", state.slug()))
}

/// Timestamps are stored as UTC without a zone (portable `TIMESTAMP`).
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_url() {
        assert_eq!(Backend::from_url("sqlite://data/redress.db").unwrap(), Backend::Sqlite("data/redress.db".into()));
        assert_eq!(Backend::from_url("sqlite:///var/lib/r.db").unwrap(), Backend::Sqlite("/var/lib/r.db".into()));
        assert!(matches!(Backend::from_url("postgres://u@h/db").unwrap(), Backend::Postgres(_)));
        assert!(Backend::from_url("mysql://h/db").is_err());
        assert!(Backend::from_url("sqlite://").is_err());
    }
}

//! Opening connections: the backend chosen from the URL's scheme, one
//! [`DbConnection`] enum over both, SQLite's pragmas on every connection,
//! and the pool that hands them out.

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::{StoreError, gate};

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

impl DbConnection {
    /// A trivial query: does the database answer?
    pub fn ping(&mut self) -> diesel::QueryResult<()> {
        self.batch_execute("SELECT 1")
    }
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

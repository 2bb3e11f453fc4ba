//! SQLite's checkpoints, in the background.
//!
//! In WAL mode a commit appends pages to the log; a checkpoint copies them
//! back into the database file and syncs it. Left to SQLite, the commit
//! that takes the log past 1,000 pages runs the checkpoint itself, so a
//! complaint that happened to be that commit waited for megabytes of
//! copying (and the deadline sweep, which writes tens of thousands of
//! pages, paid for one every chunk or two). Here, as PostgreSQL's
//! checkpointer does, a thread of its own copies the log back every
//! second, without blocking writers or readers (`PASSIVE`); the
//! connections keep SQLite's own checkpoint only as a backstop for a log
//! this thread could not keep up with (see `store::WAL_BACKSTOP_PAGES`).

use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::Job;
use crate::store::{DbConnection, Pool};

pub fn start(pool: Pool) -> std::io::Result<Job> {
    Job::start("checkpointer", Duration::from_secs(1), move |_| {
        let done = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| match &mut *conn {
            DbConnection::Sqlite(c) => c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)").map_err(|e| e.to_string()),
            DbConnection::Pg(_) => Ok(()),
        });
        if let Err(error) = done {
            tracing::warn!(%error, "checkpoint failed; trying again in a second");
        }
    })
}

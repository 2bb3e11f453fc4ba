//! One writer at a time, in this process, for SQLite.
//!
//! SQLite takes one writer at a time anyway; a writer that finds the lock
//! taken sleeps and polls (its busy handler), with sleeps growing to 100 ms,
//! and is not served in turn. Under a burst of complaints that left a few
//! writers polling for a second or more while others got through. Queuing
//! the process's own writers here instead hands the lock straight to the
//! next one when a transaction ends. Other processes on the same file still
//! meet SQLite's busy handler.
//!
//! One gate per database file, found by the file's name as SQLite reports
//! it; a connection opened for a one-off command has none and relies on
//! the busy handler alone.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, LazyLock, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::{QueryResult, SqliteConnection};

pub struct Gate {
    taken: Mutex<bool>,
    freed: Condvar,
    /// The pool's busy timeout, which bounds the wait here too.
    timeout: Duration,
}

static GATES: LazyLock<Mutex<HashMap<String, Arc<Gate>>>> = LazyLock::new(Default::default);

#[derive(QueryableByName)]
struct MainFile {
    #[diesel(sql_type = Text)]
    file: String,
}

fn main_file(conn: &mut SqliteConnection) -> QueryResult<String> {
    let rows: Vec<MainFile> =
        diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'").load(conn)?;
    Ok(rows.into_iter().next().map(|r| r.file).unwrap_or_default())
}

/// Gives the database of a pooled connection its gate (once per file).
pub fn register(conn: &mut SqliteConnection, timeout: Duration) -> QueryResult<()> {
    let file = main_file(conn)?;
    let mut gates = GATES.lock().unwrap_or_else(|p| p.into_inner());
    gates.entry(file).or_insert_with(|| Arc::new(Gate::new(timeout)));
    Ok(())
}

/// The gate of this connection's database, if its pool registered one.
pub fn of(conn: &mut SqliteConnection) -> Option<Arc<Gate>> {
    let file = main_file(conn).ok()?;
    GATES.lock().unwrap_or_else(|p| p.into_inner()).get(&file).cloned()
}

/// Held while a write transaction runs; lets the next writer in on drop.
pub struct Pass<'a>(&'a Gate);

impl Gate {
    pub fn new(timeout: Duration) -> Gate {
        Gate { taken: Mutex::new(false), freed: Condvar::new(), timeout }
    }

    /// Waits up to the busy timeout for the gate; past it, the same error
    /// as SQLite's own ("database is locked", answered 503).
    pub fn enter(&self) -> QueryResult<Pass<'_>> {
        let locked = || {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::Unknown,
                Box::new("database is locked (this process's other writers held it)".to_owned()),
            )
        };
        let deadline = Instant::now() + self.timeout;
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        while *taken {
            let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()).ok_or_else(locked)?;
            taken = self.freed.wait_timeout(taken, left).unwrap_or_else(|p| p.into_inner()).0;
        }
        *taken = true;
        Ok(Pass(self))
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        *self.0.taken.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_at_a_time_and_a_wait_that_ends() {
        let gate = Gate::new(Duration::from_millis(20));
        let pass = gate.enter().expect("free");
        let err = gate.enter().err().expect("taken").to_string();
        assert!(err.contains("database is locked"), "{err}");
        drop(pass);
        assert!(gate.enter().is_ok(), "free again");
    }

    #[test]
    fn the_next_writer_gets_in_when_the_first_leaves() {
        let gate = Arc::new(Gate::new(Duration::from_secs(5)));
        let pass = gate.enter().unwrap();
        let other = gate.clone();
        let waiter = std::thread::spawn(move || other.enter().is_ok());
        std::thread::sleep(Duration::from_millis(50));
        drop(pass);
        assert!(waiter.join().unwrap());
    }
}

//! Group commit for SQLite: one thread writes for the whole process,
//! a batch of waiting writes per transaction.
//!
//! SQLite takes one writer at a time, and each transaction ends in a commit
//! that writes and syncs the log. Under a burst of complaints, one
//! transaction each spent a third of the writer's time committing, and the
//! requests queued behind it. Here the writes that arrive while a batch is
//! being written wait for the next one, which runs them all in one
//! transaction, each in its own savepoint (one that fails is rolled back
//! alone), and commits once. Nobody is answered before that commit: a write
//! is acknowledged only once it is on disk, and a failed commit fails every
//! write of its batch, each of which can be tried again.
//!
//! PostgreSQL commits concurrent transactions in parallel (and groups their
//! log flushes itself), so it has no writer: writes there take a pooled
//! connection each.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use diesel::connection::{Connection, TransactionManager};
use diesel::result::{DatabaseErrorKind, Error};
use tokio::sync::oneshot;

use diesel::connection::SimpleConnection;
use diesel::r2d2;

use super::DbConnection;

/// Writes per transaction at most: enough to absorb every connection of a
/// busy server, few enough that one batch never holds the lock for long.
const MAX_BATCH: usize = 64;

pub struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

/// A write waiting for its batch.
trait Job: Send {
    /// Runs the write inside the batch's transaction, in a savepoint.
    fn run(&mut self, conn: &mut DbConnection);
    /// Answers the caller once the batch is over: its own result if the
    /// batch committed, else the batch's failure.
    fn answer(self: Box<Self>, failed: Option<&Failure>);
}

/// Why a whole batch was not stored.
#[derive(Debug, Clone)]
struct Failure {
    kind: DatabaseErrorKind,
    message: String,
}

impl Failure {
    fn of(e: &Error) -> Failure {
        match e {
            Error::DatabaseError(kind, info) => Failure { kind: *kind, message: info.message().to_owned() },
            other => Failure { kind: DatabaseErrorKind::Unknown, message: other.to_string() },
        }
    }

    fn error(&self) -> Error {
        Error::DatabaseError(self.kind, Box::new(self.message.clone()))
    }
}

struct Pending<T, E, F> {
    work: Option<F>,
    result: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
    /// The request's span (its id), entered while the write runs.
    span: tracing::Span,
}

impl<T, E, F> Job for Pending<T, E, F>
where
    T: Send,
    E: From<Error> + Send,
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) {
        let _entered = self.span.enter();
        if let Some(work) = self.work.take() {
            self.result = Some(conn.transaction(work));
        }
    }

    fn answer(self: Box<Self>, failed: Option<&Failure>) {
        let result = match (failed, self.result) {
            (None, Some(result)) => result,
            (Some(failure), _) => Err(failure.error().into()),
            (None, None) => Err(Failure::stopped().error().into()),
        };
        // The caller may have gone (its client hung up): nothing to tell.
        let _ = self.reply.send(result);
    }
}

impl Failure {
    fn stopped() -> Failure {
        Failure { kind: DatabaseErrorKind::UnableToSendCommand, message: "the database writer has stopped".into() }
    }
}

impl Writer {
    /// The writer of an SQLite database (a thread with a connection of its
    /// own); `None` for PostgreSQL.
    pub fn start(url: &str, busy_timeout: std::time::Duration) -> Result<Option<Writer>, super::StoreError> {
        let backend = super::Backend::from_url(url)?;
        if !matches!(backend, super::Backend::Sqlite(_)) {
            return Ok(None);
        }
        let manager = super::DbManager { backend, busy_timeout };
        let mut conn = r2d2::ManageConnection::connect(&manager).map_err(|e| super::StoreError::Open(e.to_string()))?;
        // Every new complaint touches the same upper pages of a dozen
        // indexes: a cache of 32 MB (SQLite's default is 2 MB) keeps them,
        // and a connection kept for good keeps its cache warm.
        conn.batch_execute("PRAGMA cache_size = -32768")?;
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("writer".into())
            .spawn(move || serve(&mut conn, &queue))
            .map_err(|e| super::StoreError::Open(e.to_string()))?;
        Ok(Some(Writer { jobs }))
    }

    /// Runs `work` in the next batch's transaction; answers once that
    /// transaction has committed (or failed).
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Pending { work: Some(work), result: None, reply, span: tracing::Span::current() };
        if self.jobs.send(Box::new(job)).is_err() {
            return Err(Failure::stopped().error().into());
        }
        answer.await.unwrap_or_else(|_| Err(Failure::stopped().error().into()))
    }
}

/// The writer thread: a batch of whatever is waiting, until every sender
/// has gone (the server has stopped).
fn serve(conn: &mut DbConnection, queue: &mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(mpsc::TryRecvError::Empty | mpsc::TryRecvError::Disconnected) => break,
            }
        }
        let started = std::time::Instant::now();
        let failed = write_batch(conn, &mut batch).err();
        tracing::debug!(writes = batch.len(), us = started.elapsed().as_micros() as u64, "batch written");
        if let Some(failure) = &failed {
            tracing::warn!(writes = batch.len(), cause = %failure.message, "a batch of writes was not stored");
        }
        for job in batch {
            job.answer(failed.as_ref());
        }
    }
}

fn write_batch(conn: &mut DbConnection, batch: &mut [Box<dyn Job>]) -> Result<(), Failure> {
    let outcome = conn.write(|conn| {
        for job in batch.iter_mut() {
            // A write that panics (a bug) fails its batch, not the writer.
            if std::panic::catch_unwind(AssertUnwindSafe(|| job.run(conn))).is_err() {
                return Err(Error::DatabaseError(
                    DatabaseErrorKind::Unknown,
                    Box::new("a write in this batch panicked; the batch was rolled back".to_owned()),
                ));
            }
        }
        Ok(())
    });
    outcome.map_err(|e| {
        // A panic leaves the savepoints it was inside open: roll them back
        // too, so that the connection goes back to the pool clean.
        while <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()
            .is_ok_and(|depth| depth.is_some())
        {
            if <DbConnection as Connection>::TransactionManager::rollback_transaction(conn).is_err() {
                break;
            }
        }
        Failure::of(&e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }

    fn setup() -> (tempfile::TempDir, String, Writer) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let mut conn = crate::store::connect_one(&url).unwrap();
        conn.batch_execute("CREATE TABLE t (name TEXT NOT NULL)").unwrap();
        let writer = Writer::start(&url, std::time::Duration::from_secs(5)).unwrap().expect("SQLite has a writer");
        (dir, url, writer)
    }

    fn insert(name: &'static str) -> impl FnOnce(&mut DbConnection) -> Result<(), Error> + Send + 'static {
        move |conn| diesel::sql_query("INSERT INTO t (name) VALUES (?)").bind::<Text, _>(name).execute(conn).map(drop)
    }

    fn names(url: &str) -> Vec<String> {
        let mut conn = crate::store::connect_one(url).unwrap();
        let rows: Vec<Name> = diesel::sql_query("SELECT name FROM t ORDER BY name").load(&mut conn).unwrap();
        rows.into_iter().map(|r| r.name).collect()
    }

    /// Holds the writer in a job until released, so that what is sent
    /// meanwhile makes up the next batch, together.
    fn hold(writer: &std::sync::Arc<Writer>) -> (std::sync::mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let w = writer.clone();
        let first = actix_web::rt::spawn(async move {
            w.write(move |_| held.recv().map_err(|_| Error::RollbackTransaction)).await.unwrap();
        });
        (release, first)
    }

    #[test]
    fn one_failing_write_is_rolled_back_alone_and_the_batch_commits() {
        actix_web::rt::System::new().block_on(async {
            let (_dir, url, writer) = setup();
            let writer = std::sync::Arc::new(writer);
            let (release, first) = hold(&writer);
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
            let (w1, w2, w3) = (writer.clone(), writer.clone(), writer.clone());
            let a = actix_web::rt::spawn(async move { w1.write(insert("a")).await });
            let b = actix_web::rt::spawn(async move {
                w2.write(|conn| {
                    insert("b")(conn)?;
                    Err::<(), Error>(Error::NotFound)
                })
                .await
            });
            let c = actix_web::rt::spawn(async move { w3.write(insert("c")).await });
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
            release.send(()).unwrap();
            first.await.unwrap();
            assert!(a.await.unwrap().is_ok());
            assert!(matches!(b.await.unwrap(), Err(Error::NotFound)), "the failing write gets its own error");
            assert!(c.await.unwrap().is_ok());
            assert_eq!(names(&url), ["a", "c"], "b's insert was rolled back, its neighbours kept");
        });
    }

    #[test]
    fn a_panicking_write_fails_its_batch_and_the_writer_goes_on() {
        actix_web::rt::System::new().block_on(async {
            let (_dir, url, writer) = setup();
            let writer = std::sync::Arc::new(writer);
            let (release, first) = hold(&writer);
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
            let (w1, w2) = (writer.clone(), writer.clone());
            let a = actix_web::rt::spawn(async move { w1.write(insert("a")).await });
            let p = actix_web::rt::spawn(async move {
                w2.write(|conn| -> Result<(), Error> {
                    insert("p")(conn)?;
                    panic!("a bug in a write")
                })
                .await
            });
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
            release.send(()).unwrap();
            first.await.unwrap();
            // Nobody was told "stored" for what was not.
            assert!(a.await.unwrap().is_err());
            assert!(p.await.unwrap().is_err());
            assert!(names(&url).is_empty());
            // The connection went back clean: the next write commits.
            writer.write(insert("after")).await.unwrap();
            assert_eq!(names(&url), ["after"]);
            let mut conn = crate::store::connect_one(&url).unwrap();
            let n: i64 = diesel::select(diesel::dsl::sql::<BigInt>("COUNT(*) FROM t")).get_result(&mut conn).unwrap();
            assert_eq!(n, 1);
        });
    }
}

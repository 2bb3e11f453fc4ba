//! The public register's jobs: its search index, every few seconds, until
//! nothing waits (`service::published::index`); and its open data files,
//! every `REDRESS_OPEN_DATA_EVERY` and at start when they are missing or
//! older than that (`service::published::open_data`).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::Job;
use crate::clock::Clock;
use crate::config::Config;
use crate::service::published::{index, open_data};
use crate::store::Pool;

/// How often the index job looks for cases waiting.
const INDEX_EVERY: Duration = Duration::from_secs(5);

pub fn start_index(pool: Pool, clock: Arc<dyn Clock>) -> std::io::Result<Job> {
    Job::start("register-index", INDEX_EVERY, move |stopping| {
        let run = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
            index::run(&mut c, clock.now(), || !stopping.load(Ordering::Relaxed)).map_err(|e| e.to_string())
        });
        match run {
            Ok(None) => tracing::debug!("another instance is indexing the register"),
            Ok(Some(report)) if report.is_empty() => {}
            Ok(Some(r)) => {
                tracing::info!(indexed = r.indexed, unconsented = r.unconsented, grown = r.grown, "register index")
            }
            Err(error) => tracing::warn!(%error, "register index failed; retrying shortly"),
        }
    })
}

pub fn start_open_data(
    pool: Pool,
    clock: Arc<dyn Clock>,
    config: Arc<Config>,
    every: Duration,
) -> std::io::Result<Job> {
    let folder = open_data::folder(&config.data_dir);
    // Looked at every minute (at start too): built when a file is missing
    // or the oldest is `every` old.
    Job::start("open-data", every.min(Duration::from_secs(60)), move |_| {
        if open_data::age(&folder).is_some_and(|age| age < every) {
            return;
        }
        let started = std::time::Instant::now();
        let built = pool
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut c| open_data::build(&mut c, &folder, config.tz, clock.now()).map_err(|e| e.to_string()));
        match built {
            Ok(b) => tracing::info!(
                cases = b.cases,
                merchants = b.merchants,
                took_ms = started.elapsed().as_millis() as u64,
                "open data built"
            ),
            Err(error) => tracing::warn!(%error, "open data not built; trying again shortly"),
        }
    })
}

//! The deadline sweep, every `REDRESS_SWEEP_INTERVAL` seconds, and after
//! it a round of the merchant list's figures (which the sweep's breaches
//! change); apart from the sweep itself, so that the sweep's cost stays
//! what falls due. Then the API's idempotency keys past their day are
//! forgotten (`service::retention::prune_idempotency`).

use std::sync::Arc;

use super::Job;
use crate::clock::Clock;
use crate::config::Config;
use crate::service::conversation::At;
use crate::service::merchant_list::refresh;
use crate::service::retention::prune_idempotency;
use crate::service::sweeper::sweep;
use crate::store::Pool;

pub fn start(
    pool: Pool,
    clock: Arc<dyn Clock>,
    config: Arc<Config>,
    every: std::time::Duration,
) -> std::io::Result<Job> {
    Job::start("sweeper", every, move |_| {
        let at = At { config: &config, now: clock.now() };
        match pool.get().map_err(|e| e.to_string()).and_then(|mut c| sweep(&mut c, at).map_err(|e| e.to_string())) {
            Ok(None) => tracing::debug!("another instance is sweeping"),
            Ok(Some(report)) if report.is_empty() => {}
            Ok(Some(report)) => tracing::info!(%report, "deadline sweep"),
            Err(error) => tracing::warn!(%error, "deadline sweep failed; retrying next interval"),
        }
        let now = clock.now();
        match pool.get().map_err(|e| e.to_string()).and_then(|mut c| refresh(&mut c, now).map_err(|e| e.to_string())) {
            Ok(Some(n)) if n > 0 => tracing::debug!(merchants = n, "merchant list figures counted"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "merchant list figures failed; retrying next interval"),
        }
        // The API's idempotency keys past their day.
        let now = clock.now();
        match pool
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut c| prune_idempotency(&mut c, now).map_err(|e| e.to_string()))
        {
            Ok(n) if n > 0 => tracing::debug!(keys = n, "idempotency keys forgotten"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "idempotency keys not pruned; retrying next interval"),
        }
    })
}

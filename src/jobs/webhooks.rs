//! The webhook dispatcher, every two seconds: delivers what is due until
//! nothing is; once an hour, prunes deliveries delivered long ago.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Job;
use crate::clock::Clock;
use crate::config::Config;
use crate::service::two_factor::SealKey;
use crate::service::webhooks::{deliver, http::Sender};
use crate::store::Pool;

/// Deliveries a round claims: each POST may take up to 20 s, and the
/// round's lease must outlast them all.
const ROUND: i64 = 10;

pub fn start(pool: Pool, clock: Arc<dyn Clock>, config: Arc<Config>, key: SealKey) -> std::io::Result<Job> {
    let sender = Sender::new(config.webhooks.allow_local);
    let mut pruned_at = None;
    Job::start("webhooks", std::time::Duration::from_secs(2), move |stopping| {
        while !stopping.load(Ordering::Relaxed) {
            let round = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
                deliver(&mut c, &sender, &key, &config, clock.now(), ROUND).map_err(|e| e.to_string())
            });
            match round {
                Ok(report) if report.claimed() == 0 => break,
                Ok(report) => tracing::info!(
                    delivered = report.delivered,
                    retrying = report.retrying,
                    dead = report.dead,
                    disabled = report.disabled,
                    "webhooks"
                ),
                Err(error) => {
                    tracing::warn!(%error, "webhook dispatch failed; retrying shortly");
                    break;
                }
            }
        }
        let now = clock.now();
        if pruned_at.is_none_or(|at| now - at >= chrono::Duration::hours(1)) {
            pruned_at = Some(now);
            let keep = config.webhooks.keep_delivered;
            let pruned = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
                crate::service::retention::prune_webhook_deliveries(&mut c, keep, now).map_err(|e| e.to_string())
            });
            match pruned {
                Ok(0) => {}
                Ok(n) => tracing::info!(pruned = n, "old webhook deliveries removed"),
                Err(error) => tracing::warn!(%error, "webhook deliveries not pruned"),
            }
        }
    })
}

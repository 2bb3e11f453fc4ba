//! The mail dispatcher, every two seconds: sends what is due until nothing is.

use std::sync::Arc;

use super::Job;
use crate::clock::Clock;
use crate::config::Config;
use crate::mail::transport::Transport;
use crate::service::dispatch::dispatch;
use crate::store::Pool;

pub fn start(pool: Pool, clock: Arc<dyn Clock>, config: Arc<Config>, transport: Transport) -> std::io::Result<Job> {
    Job::start("dispatcher", std::time::Duration::from_secs(2), move |stopping| {
        // Rounds of 20 until nothing is due, or the server is stopping
        // (what is left stays queued for the next start or instance).
        while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
            let round = pool
                .get()
                .map_err(|e| e.to_string())
                .and_then(|mut c| dispatch(&mut c, &transport, &config, clock.now(), 20).map_err(|e| e.to_string()));
            match round {
                Ok(report) if report.sent + report.retrying + report.dead == 0 => break,
                Ok(report) => {
                    tracing::info!(sent = report.sent, retrying = report.retrying, dead = report.dead, "mail")
                }
                Err(error) => {
                    tracing::warn!(%error, "mail dispatch failed; retrying shortly");
                    break;
                }
            }
        }
    })
}

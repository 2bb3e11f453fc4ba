//! The mail dispatcher, every two seconds: sends what is due until nothing is.

use std::sync::Arc;

use super::Job;
use crate::clock::Clock;
use crate::config::Config;
use crate::service::dispatch::{Transports, dispatch};
use crate::store::Pool;

pub fn start(pool: Pool, clock: Arc<dyn Clock>, config: Arc<Config>, transport: Transports) -> std::io::Result<Job> {
    let mut lowered = false;
    Job::start("dispatcher", std::time::Duration::from_secs(2), move |stopping| {
        if !lowered {
            lowered = true;
            lower_priority();
        }
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

/// Mail can wait a few seconds; a complaint being filed cannot. During a
/// burst the dispatcher, which runs back-to-back rounds while a backlog
/// lasts, took a quarter of the CPU from the requests that were making the
/// backlog. At nice 10 it gets what they leave and catches up after.
fn lower_priority() {
    // SAFETY: plain system calls on this thread's own id; no memory shared.
    let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10) };
    if done != 0 {
        tracing::debug!(error = %std::io::Error::last_os_error(), "the dispatcher keeps its priority");
    }
}

//! Runs a sweep every `REDRESS_SWEEP_INTERVAL` seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::config::Config;
use crate::service::conversation::At;
use crate::service::sweeper::sweep;
use crate::store::Pool;

/// The running job; dropping the handle does not stop it, `stop` does.
pub struct Sweeper {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Sweeper {
    pub fn start(pool: Pool, clock: Arc<dyn Clock>, config: Arc<Config>, every: Duration) -> std::io::Result<Sweeper> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new().name("sweeper".into()).spawn(move || {
            let mut next = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                if Instant::now() >= next {
                    next = Instant::now() + every;
                    let at = At { config: &config, now: clock.now() };
                    match pool
                        .get()
                        .map_err(|e| e.to_string())
                        .and_then(|mut c| sweep(&mut c, at).map_err(|e| e.to_string()))
                    {
                        Ok(report) if report.is_empty() => {}
                        Ok(report) => tracing::info!(%report, "deadline sweep"),
                        Err(error) => tracing::warn!(%error, "deadline sweep failed; retrying next interval"),
                    }
                }
                std::thread::sleep(Duration::from_millis(200).min(every));
            }
        })?;
        Ok(Sweeper { stop, thread })
    }

    /// Finishes the sweep under way, then returns.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

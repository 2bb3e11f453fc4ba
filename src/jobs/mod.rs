//! Background work inside the server: the deadline sweeper, the mail
//! dispatcher, the webhook dispatcher and the public register's index and
//! open data. Each runs on its own thread with pooled connections, so it
//! never holds up a request, and each is safe to run in every instance.

pub mod checkpointer;
pub mod dispatcher;
pub mod published;
pub mod sweeper;
pub mod webhooks;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A job running `work` every `every` until stopped.
pub struct Job {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Job {
    /// `work` is told whether the job is stopping, so that a long round
    /// can end early at a safe point.
    pub fn start(
        name: &str,
        every: Duration,
        mut work: impl FnMut(&AtomicBool) + Send + 'static,
    ) -> std::io::Result<Job> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || {
            let mut next = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                if Instant::now() >= next {
                    next = Instant::now() + every;
                    work(&flag);
                }
                std::thread::sleep(Duration::from_millis(100).min(every));
            }
        })?;
        Ok(Job { stop, thread })
    }

    /// Lets the round under way finish, then returns.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

//! Where the time comes from. Production uses the system clock; tests hold a
//! [`ManualClock`] and move it instead of sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Timelike, Utc};

pub trait Clock: Send + Sync + 'static {
    /// The current instant, truncated to microseconds so that it survives a
    /// round trip through either database unchanged.
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        truncate_to_micros(Utc::now())
    }
}

/// A clock that stands still until it is told to move.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(truncate_to_micros(at))))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = truncate_to_micros(at);
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now = truncate_to_micros(*now + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = at.nanosecond();
    at.with_nanosecond(nanos - nanos % 1_000).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-11-20T08:00:00.123456789Z").unwrap().with_timezone(&Utc);
        let clock = ManualClock::new(start);
        assert_eq!(clock.now().nanosecond(), 123_456_000);
        clock.advance(Duration::hours(49));
        assert_eq!(clock.now() - truncate_to_micros(start), Duration::hours(49));
    }
}

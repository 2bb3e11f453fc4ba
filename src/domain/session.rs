//! How long a staff session lives, and how sign-in failures slow the next
//! attempt down: pure rules, the time given.

use chrono::{DateTime, Duration, Utc};

/// How long sessions live (`REDRESS_SESSION_IDLE_HOURS`,
/// `REDRESS_SESSION_MAX_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// A session unused this long is over.
    pub idle: Duration,
    /// A session is over this long after it began, however much it is used.
    pub absolute: Duration,
}

/// Staff sessions: a working day unused, a week at most.
pub const STAFF: Lifetimes = Lifetimes { idle: Duration::hours(12), absolute: Duration::days(7) };

impl Default for Lifetimes {
    fn default() -> Self {
        STAFF
    }
}
/// `last_seen_at` is written again only when it is older than this, so
/// a busy dashboard does not write on every request.
pub const TOUCH_AFTER: Duration = Duration::minutes(5);

/// What a session's times say at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// In use; `touch` when its `last_seen_at` should be written again.
    Live {
        touch: bool,
    },
    Expired,
}

impl Lifetimes {
    pub fn liveness(&self, created_at: DateTime<Utc>, last_seen_at: DateTime<Utc>, now: DateTime<Utc>) -> Liveness {
        if now - created_at >= self.absolute || now - last_seen_at >= self.idle {
            Liveness::Expired
        } else {
            Liveness::Live { touch: now - last_seen_at >= TOUCH_AFTER }
        }
    }
}

/// Failures are counted over this window; after it, a key starts afresh.
pub const FAILURE_WINDOW: Duration = Duration::hours(1);
/// No wait is ever longer than this.
pub const MAX_DELAY: Duration = Duration::minutes(15);

/// Who is slowed down after failed sign-ins, and after how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// One account from one address: a person mistyping, or a guesser.
    AccountAtAddress,
    /// One address, whatever account it tries (an office behind one
    /// address has several people: more room).
    Address,
    /// One account from every address it never signed in from: guessing
    /// from many addresses. The right password from an address the
    /// account signed in from before is not slowed by it.
    Account,
}

impl Throttle {
    /// Failures allowed without any wait.
    pub fn free(self) -> i64 {
        match self {
            Throttle::AccountAtAddress => 3,
            Throttle::Address | Throttle::Account => 10,
        }
    }

    /// The wait after `failures` failures: none while they are free, then
    /// 1 s, 2 s, 4 s, … doubling with each, at most [`MAX_DELAY`].
    pub fn delay(self, failures: i64) -> Duration {
        let over = failures - self.free();
        if over < 0 {
            return Duration::zero();
        }
        let seconds = 1i64.checked_shl(over.min(62) as u32).unwrap_or(i64::MAX);
        Duration::seconds(seconds.min(MAX_DELAY.num_seconds()))
    }

    /// How long from `now` until another attempt is let through, after
    /// `failures` failures in the window, the last at `last`.
    pub fn wait(self, failures: i64, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Duration> {
        let open_at = last? + self.delay(failures);
        (open_at > now).then(|| open_at - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minutes * 60, 0).unwrap()
    }

    #[test]
    fn sessions_end_after_twelve_idle_hours_or_seven_days() {
        let start = at(0);
        let liveness = |c, s, n| STAFF.liveness(c, s, n);
        assert_eq!(liveness(start, start, at(4)), Liveness::Live { touch: false });
        assert_eq!(liveness(start, start, at(5)), Liveness::Live { touch: true });
        assert_eq!(liveness(start, start, at(12 * 60 - 1)), Liveness::Live { touch: true });
        assert_eq!(liveness(start, start, at(12 * 60)), Liveness::Expired);
        let seen = at(7 * 24 * 60 - 10);
        assert_eq!(liveness(start, seen, at(7 * 24 * 60 - 1)), Liveness::Live { touch: true });
        assert_eq!(liveness(start, seen, at(7 * 24 * 60)), Liveness::Expired, "however recently used");
    }

    #[test]
    fn delays_grow_after_the_free_failures_and_stop_at_fifteen_minutes() {
        let t = Throttle::AccountAtAddress;
        assert_eq!(t.delay(2), Duration::zero());
        assert_eq!(t.delay(3), Duration::seconds(1));
        assert_eq!(t.delay(4), Duration::seconds(2));
        assert_eq!(t.delay(6), Duration::seconds(8));
        assert_eq!(t.delay(40), MAX_DELAY);
        assert_eq!(t.delay(i64::MAX), MAX_DELAY);
        assert_eq!(Throttle::Address.delay(9), Duration::zero());
        assert_eq!(Throttle::Address.delay(10), Duration::seconds(1));
        let last = at(0);
        assert_eq!(t.wait(4, Some(last), last), Some(Duration::seconds(2)));
        assert_eq!(t.wait(4, Some(last), last + Duration::seconds(2)), None);
        assert_eq!(t.wait(2, Some(last), last), None);
        assert_eq!(t.wait(9, None, last), None);
    }
}

//! Rate limits: how many requests of one kind a client address may make in
//! a period, as the generic cell rate algorithm counts them. A whole
//! period's worth may come at once; after that, one each `per / count`.
//! Each address needs only one instant kept: when its allowance is full
//! again (its "theoretical arrival time").

use chrono::{DateTime, Duration, Utc};

/// `count` requests per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl Rate {
    pub const fn per_minute(count: u32) -> Rate {
        Rate { count, per: Duration::minutes(1) }
    }

    /// The time one request uses up.
    fn interval(&self) -> Duration {
        self.per / self.count as i32
    }

    /// Admits a request at `now` from an address whose allowance is full
    /// again at `full_at`: `Ok` with the new `full_at`, or `Err` with how
    /// long until it would be admitted.
    pub fn admit(&self, full_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<DateTime<Utc>, Duration> {
        let start = full_at.filter(|at| *at > now).unwrap_or(now);
        let next = start + self.interval();
        let over = next - now - self.per;
        if over > Duration::zero() { Err(over) } else { Ok(next) }
    }
}

/// The limits per client address; `None` is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Complaints sent (`POST /complaints`).
    pub complaints: Option<Rate>,
    /// Complaints looked up by reference and contact (`/track`).
    pub lookups: Option<Rate>,
    /// Sign-in attempts (`POST /login`).
    pub sign_ins: Option<Rate>,
    /// Replies sent, each side counted on its own: the consumer's on the
    /// tracking page (and the reason for asking the platform), the
    /// merchant's on the portal.
    pub replies: Option<Rate>,
    /// User reports sent (`POST /report`).
    pub reports: Option<Rate>,
}

impl Default for RateLimits {
    /// A person can file a few complaints a minute, look one up now and
    /// then, and mistype a password; a script cannot flood any of them.
    fn default() -> Self {
        RateLimits {
            complaints: Some(Rate::per_minute(5)),
            lookups: Some(Rate::per_minute(20)),
            sign_ins: Some(Rate::per_minute(10)),
            // A conversation goes back and forth; customer service behind
            // one office address answers several complaints a minute.
            replies: Some(Rate::per_minute(20)),
            // Someone who saw something reports it once or twice; a
            // script cannot bury a room in reports from one address.
            reports: Some(Rate::per_minute(3)),
        }
    }
}

impl RateLimits {
    pub const OFF: RateLimits =
        RateLimits { complaints: None, lookups: None, sign_ins: None, replies: None, reports: None };

    /// `off`, or `complaints=5/min,lookups=20/min,sign_ins=10/min,replies=20/min,reports=3/min` (any of
    /// them; the others keep their defaults; `NAME=off` lifts one). A
    /// period is `s`, `min` or `h`.
    pub fn parse(text: &str) -> Result<RateLimits, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(RateLimits::OFF);
        }
        let mut limits = RateLimits::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or(format!("{part:?} is not NAME=COUNT/PERIOD"))?;
            let rate = match value.trim() {
                "off" => None,
                value => Some(parse_rate(value).ok_or(format!("{value:?} is not COUNT/PERIOD, like 5/min"))?),
            };
            match name.trim() {
                "complaints" => limits.complaints = rate,
                "lookups" => limits.lookups = rate,
                "sign_ins" => limits.sign_ins = rate,
                "replies" => limits.replies = rate,
                "reports" => limits.reports = rate,
                other => return Err(format!("{other:?} is not complaints, lookups, sign_ins, replies or reports")),
            }
        }
        Ok(limits)
    }
}

/// `COUNT/PERIOD` (`120/min`; a period is `s`, `min` or `h`).
pub fn parse_rate(value: &str) -> Option<Rate> {
    let (count, period) = value.split_once('/')?;
    let count: u32 = count.trim().parse().ok().filter(|n| (1..=1_000_000).contains(n))?;
    let per = match period.trim() {
        "s" | "sec" => Duration::seconds(1),
        "min" | "m" => Duration::minutes(1),
        "h" | "hour" => Duration::hours(1),
        _ => return None,
    };
    Some(Rate { count, per })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn a_period_s_worth_comes_at_once_then_one_each_interval() {
        let rate = Rate::per_minute(5);
        let mut full_at = None;
        for _ in 0..5 {
            full_at = Some(rate.admit(full_at, at(0)).expect("within the allowance"));
        }
        assert_eq!(rate.admit(full_at, at(0)), Err(Duration::seconds(12)), "the sixth waits 12 s");
        assert_eq!(rate.admit(full_at, at(11)), Err(Duration::seconds(1)));
        let after = rate.admit(full_at, at(12)).expect("one more after 12 s");
        assert_eq!(rate.admit(Some(after), at(12)), Err(Duration::seconds(12)));
        // A quiet minute refills it completely.
        let mut full_at = Some(after);
        for _ in 0..5 {
            full_at = Some(rate.admit(full_at, at(12 + 60)).expect("full again"));
        }
        assert!(rate.admit(full_at, at(72)).is_err());
    }

    #[test]
    fn limits_are_read_from_their_setting() {
        assert_eq!(RateLimits::parse("off"), Ok(RateLimits::OFF));
        assert_eq!(RateLimits::parse(""), Ok(RateLimits::default()));
        let some = RateLimits::parse("complaints=2/s, lookups=off").unwrap();
        assert_eq!(some.complaints, Some(Rate { count: 2, per: Duration::seconds(1) }));
        assert_eq!(some.lookups, None);
        assert_eq!(some.sign_ins, RateLimits::default().sign_ins);
        assert_eq!(some.replies, Some(Rate::per_minute(20)));
        assert_eq!(RateLimits::parse("replies=off").unwrap().replies, None);
        assert_eq!(RateLimits::parse("replies=3/min").unwrap().replies, Some(Rate::per_minute(3)));
        assert_eq!(RateLimits::parse("").unwrap().reports, Some(Rate::per_minute(3)));
        assert_eq!(RateLimits::parse("reports=off").unwrap().reports, None);
        assert_eq!(RateLimits::parse("reports=1/h").unwrap().reports, Some(Rate { count: 1, per: Duration::hours(1) }));
        assert_eq!(
            RateLimits::parse("sign_ins=100/h").unwrap().sign_ins,
            Some(Rate { count: 100, per: Duration::hours(1) })
        );
        for bad in ["complaints", "complaints=5", "complaints=0/min", "complaints=5/day", "uploads=5/min"] {
            assert!(RateLimits::parse(bad).is_err(), "{bad}");
        }
    }
}

//! Incidents (机器发现, DESIGN.md "Machine discovery"): when complaints naming
//! the same product, live session or host reach a threshold within a
//! window, one incident is opened about that thing; later complaints about
//! it join the open incident. A supervisor can make an incident a
//! collective case (集体投诉), ruled once for all its complaints.

use chrono::{DateTime, Duration, DurationRound, Utc};

crate::slug_enum! {
    #[catalog("incident_subject.")]
    /// What an incident is about (`incidents.subject`); `subject_id` says
    /// which one.
    pub enum IncidentSubject {
        Product => "product",
        Session => "session",
        Host => "host",
    }
}

crate::slug_enum! {
    #[catalog("incident_state.")]
    /// Where an incident stands (`incidents.state`). At most one incident
    /// per subject is `open` at a time (a unique partial index says so):
    /// new complaints about the subject join it.
    pub enum IncidentState {
        /// Opened by detection; complaints about its subject join it.
        Open => "open",
        /// Made a collective case by a supervisor: its members are the
        /// supervisor's to add and remove, and it is ruled once.
        Collective => "collective",
        /// Ruled or dismissed.
        Closed => "closed",
    }
}

/// One thing a complaint names that incidents are counted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct About {
    pub subject: IncidentSubject,
    pub id: i64,
}

impl About {
    /// What a complaint naming `product`, `session` and `host` is about,
    /// in that order (the order detection takes them in, always the same,
    /// so that two intakes never wait for each other crosswise).
    pub fn named(product: Option<i64>, session: Option<i64>, host: Option<i64>) -> Vec<About> {
        [(IncidentSubject::Product, product), (IncidentSubject::Session, session), (IncidentSubject::Host, host)]
            .into_iter()
            .filter_map(|(subject, id)| id.map(|id| About { subject, id }))
            .collect()
    }
}

/// When an incident is opened: `count` complaints about one thing within
/// `window` (`REDRESS_INCIDENT`, default `5/24h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    pub count: i64,
    pub window: Duration,
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold { count: 5, window: Duration::hours(24) }
    }
}

impl Threshold {
    /// `"5/24h"`, `"10/2d"`: complaints (2 to 10 000) per window (hours
    /// `h` or days `d`, at most a year).
    pub fn parse(text: &str) -> Option<Threshold> {
        let (count, window) = text.trim().split_once('/')?;
        let count: i64 = count.trim().parse().ok().filter(|n| (2..=10_000).contains(n))?;
        let window = window.trim();
        let (number, unit) = window.split_at(window.len().checked_sub(1)?);
        let n: i64 = number.trim().parse().ok().filter(|n| *n >= 1)?;
        let hours = match unit {
            "h" | "H" => n,
            "d" | "D" => n.checked_mul(24)?,
            _ => return None,
        };
        (hours <= 24 * 366).then(|| Threshold { count, window: Duration::hours(hours) })
    }

    /// Whether `count` complaints in the window open an incident.
    pub fn reached(self, count: i64) -> bool {
        count >= self.count
    }

    /// The hours of the window, for what supervisors are told.
    pub fn hours(self) -> i64 {
        self.window.num_hours()
    }
}

/// Arrivals counted per hour, from the hour of the first to the hour of
/// the last (every hour in between, empty ones too), or per day when they
/// span more than `MAX_HOURS` hours: `(start of the slot, arrivals)`.
pub fn timeline(mut arrivals: Vec<DateTime<Utc>>) -> (Vec<(DateTime<Utc>, usize)>, Duration) {
    const MAX_HOURS: i64 = 48;
    arrivals.sort();
    let (Some(first), Some(last)) = (arrivals.first().copied(), arrivals.last().copied()) else {
        return (Vec::new(), Duration::hours(1));
    };
    let slot = if last - first > Duration::hours(MAX_HOURS) { Duration::days(1) } else { Duration::hours(1) };
    let start = first.duration_trunc(slot).unwrap_or(first);
    let slots = ((last - start).num_seconds() / slot.num_seconds() + 1) as usize;
    let mut counts = vec![0usize; slots];
    for at in arrivals {
        let i = ((at - start).num_seconds() / slot.num_seconds()) as usize;
        counts[i.min(slots - 1)] += 1;
    }
    let series = counts.into_iter().enumerate().map(|(i, n)| (start + slot * i as i32, n)).collect();
    (series, slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_read_as_count_per_window() {
        assert_eq!(Threshold::parse("5/24h"), Some(Threshold::default()));
        assert_eq!(Threshold::parse(" 10 / 2d "), Some(Threshold { count: 10, window: Duration::hours(48) }));
        for bad in ["", "5", "5/", "/24h", "1/24h", "5/0h", "5/24", "5/24m", "five/24h", "5/400d", "5/-1h"] {
            assert_eq!(Threshold::parse(bad), None, "{bad:?}");
        }
        let t = Threshold::default();
        assert!(!t.reached(4) && t.reached(5) && t.reached(6));
        assert_eq!(t.hours(), 24);
    }

    #[test]
    fn a_complaint_is_about_what_it_names_product_first() {
        let all = About::named(Some(3), Some(2), Some(1));
        let subjects: Vec<_> = all.iter().map(|a| (a.subject, a.id)).collect();
        assert_eq!(
            subjects,
            [(IncidentSubject::Product, 3), (IncidentSubject::Session, 2), (IncidentSubject::Host, 1)]
        );
        assert_eq!(About::named(None, None, Some(7)), [About { subject: IncidentSubject::Host, id: 7 }]);
        assert!(About::named(None, None, None).is_empty());
    }

    #[test]
    fn the_timeline_has_every_hour_from_the_first_arrival_to_the_last() {
        let at = |h: i64, m: i64| {
            DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc)
                + Duration::hours(h)
                + Duration::minutes(m)
        };
        let (series, slot) = timeline(vec![at(3, 10), at(0, 5), at(0, 50), at(3, 59)]);
        assert_eq!(slot, Duration::hours(1));
        let counts: Vec<usize> = series.iter().map(|(_, n)| *n).collect();
        assert_eq!(counts, [2, 0, 0, 2]);
        assert_eq!(series[0].0, at(0, 0), "slots start on the hour");
        let (days, slot) = timeline(vec![at(0, 0), at(24 * 4, 0)]);
        assert_eq!((slot, days.len()), (Duration::days(1), 5), "per day past two days");
        assert!(timeline(Vec::new()).0.is_empty());
    }
}

//! Repeat offenders (重点督办): a merchant, or one of its hosts or
//! products, is flagged when, in a rolling window, any threshold is met.
//! The reasons are kept in words and numbers.

use chrono::Duration;

use super::live::Target;

crate::slug_enum! {
    #[catalog("supervision.")]
    /// What the public scorecard says of a merchant.
    pub enum Supervision {
        /// Not flagged, or flagged for complaint volume alone and not yet
        /// confirmed.
        None => "none",
        Flagged => "flagged",
        /// A supervisor confirmed the flag: a supervision case is open.
        Supervised => "supervised",
    }
}

/// The thresholds of DESIGN.md; configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagThresholds {
    pub window: Duration,
    pub breaches: usize,
    pub complaints: usize,
    /// Upheld (or partly upheld) complaints of false advertising or price fraud.
    pub upheld_fraud: usize,
}

impl Default for FlagThresholds {
    fn default() -> Self {
        FlagThresholds { window: Duration::days(30), breaches: 3, complaints: 10, upheld_fraud: 2 }
    }
}

/// What a flag other than the merchant's own is about: one of the
/// merchant's hosts or products. (Rooms are acted on, not flagged: a
/// room's complaints are its hosts'.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Host(i64),
    Product(i64),
}

impl Subject {
    /// As `merchant_flags.subject` and `subject_id` store it; none for the
    /// merchant itself (or anything else).
    pub fn of(target: Target, id: Option<i64>) -> Option<Subject> {
        match (target, id) {
            (Target::Host, Some(id)) => Some(Subject::Host(id)),
            (Target::Product, Some(id)) => Some(Subject::Product(id)),
            _ => None,
        }
    }

    pub fn target(self) -> Target {
        match self {
            Subject::Host(_) => Target::Host,
            Subject::Product(_) => Target::Product,
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Subject::Host(id) | Subject::Product(id) => id,
        }
    }
}

/// Whom a complaint counts against: its merchant always, and the host and
/// the product when it names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Named {
    pub merchant_id: i64,
    pub host_id: Option<i64>,
    pub product_id: Option<i64>,
}

impl Named {
    /// The host and the product it names, host first.
    pub fn subjects(self) -> impl Iterator<Item = Subject> {
        self.host_id.map(Subject::Host).into_iter().chain(self.product_id.map(Subject::Product))
    }
}

/// A merchant's (or a host's, a product's) figures over the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// The reference of each breached deadline (a complaint breached twice
    /// appears twice).
    pub breaches: Vec<String>,
    pub complaints: usize,
    pub upheld_fraud: Vec<String>,
}

crate::slug_enum! {
    pub enum ReasonKind {
        Breaches => "breaches",
        Complaints => "complaints",
        UpheldFraud => "upheld_fraud",
    }
}

/// One threshold met: how many, and which complaints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub kind: ReasonKind,
    pub count: usize,
    pub references: Vec<String>,
}

impl Reason {
    /// Stored one a line: `kind|count|TS…,TS…`.
    pub fn to_line(&self) -> String {
        format!("{}|{}|{}", self.kind.slug(), self.count, self.references.join(","))
    }

    pub fn from_line(line: &str) -> Option<Reason> {
        let mut parts = line.splitn(3, '|');
        let kind = ReasonKind::from_slug(parts.next()?)?;
        let count = parts.next()?.parse().ok()?;
        let references = parts.next().unwrap_or("").split(',').filter(|r| !r.is_empty()).map(str::to_owned).collect();
        Some(Reason { kind, count, references })
    }
}

/// The thresholds `figures` meet; none means not an offender.
pub fn reasons(figures: &Figures, t: &FlagThresholds) -> Vec<Reason> {
    let mut out = Vec::new();
    if figures.breaches.len() >= t.breaches {
        out.push(Reason {
            kind: ReasonKind::Breaches,
            count: figures.breaches.len(),
            references: figures.breaches.clone(),
        });
    }
    if figures.complaints >= t.complaints {
        out.push(Reason { kind: ReasonKind::Complaints, count: figures.complaints, references: Vec::new() });
    }
    if figures.upheld_fraud.len() >= t.upheld_fraud {
        out.push(Reason {
            kind: ReasonKind::UpheldFraud,
            count: figures.upheld_fraud.len(),
            references: figures.upheld_fraud.clone(),
        });
    }
    out
}

/// Whether a pending flag with these stored reasons (one a line) is shown
/// on the merchant's public scorecard before a supervisor confirms it.
/// Complaint volume alone is not: anyone can file complaints, from any
/// number of addresses, until phone numbers are verified. A breached
/// deadline or an upheld ruling is the merchant's own record, and is.
pub fn public_before_confirmed(stored: &str) -> bool {
    stored.lines().filter_map(Reason::from_line).any(|r| r.kind != ReasonKind::Complaints)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("TS20261120{i:06}")).collect()
    }

    #[test]
    fn each_threshold_trips_and_not_one_below() {
        let t = FlagThresholds::default();
        let below = Figures { breaches: refs(2), complaints: 9, upheld_fraud: refs(1) };
        assert!(reasons(&below, &t).is_empty());
        let at = Figures { breaches: refs(3), complaints: 10, upheld_fraud: refs(2) };
        let r = reasons(&at, &t);
        assert_eq!(
            r.iter().map(|r| (r.kind, r.count)).collect::<Vec<_>>(),
            [(ReasonKind::Breaches, 3), (ReasonKind::Complaints, 10), (ReasonKind::UpheldFraud, 2)]
        );
        assert_eq!(r[0].references, refs(3));
    }

    #[test]
    fn volume_alone_waits_for_a_supervisor() {
        let volume = Reason { kind: ReasonKind::Complaints, count: 29, references: vec![] }.to_line();
        let breaches = Reason { kind: ReasonKind::Breaches, count: 3, references: refs(3) }.to_line();
        let upheld = Reason { kind: ReasonKind::UpheldFraud, count: 2, references: refs(2) }.to_line();
        assert!(!public_before_confirmed(&volume));
        assert!(public_before_confirmed(&format!("{volume}\n{breaches}")));
        assert!(public_before_confirmed(&upheld));
        assert!(!public_before_confirmed(""));
    }

    #[test]
    fn a_complaint_counts_against_the_host_and_product_it_names() {
        let both = Named { merchant_id: 1, host_id: Some(7), product_id: Some(9) };
        assert_eq!(both.subjects().collect::<Vec<_>>(), [Subject::Host(7), Subject::Product(9)]);
        let neither = Named { merchant_id: 1, host_id: None, product_id: None };
        assert_eq!(neither.subjects().count(), 0);
        for s in [Subject::Host(7), Subject::Product(9)] {
            assert_eq!(Subject::of(s.target(), Some(s.id())), Some(s), "stored and read back");
        }
        assert_eq!(Subject::of(Target::Merchant, None), None);
        assert_eq!(Subject::of(Target::Host, None), None);
    }

    #[test]
    fn reasons_round_trip_through_their_stored_form() {
        let r = Reason { kind: ReasonKind::Breaches, count: 3, references: refs(3) };
        assert_eq!(Reason::from_line(&r.to_line()), Some(r));
        let c = Reason { kind: ReasonKind::Complaints, count: 12, references: vec![] };
        assert_eq!(Reason::from_line(&c.to_line()), Some(c));
        assert_eq!(Reason::from_line("nonsense"), None);
    }
}

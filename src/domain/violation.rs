//! The violation schedule (违规处理分览表): each type of violation, at each
//! level of severity, costs so many credit points and brings a measure; the
//! points a merchant accumulates in 12 months bring the measures of the
//! thresholds they reach. A supervisor may go lighter than the schedule,
//! never heavier. Defaults and their reasons: docs/violations.md.

use chrono::{DateTime, Duration, Utc};

use crate::domain::action::{ActionKind, STARTING_POINTS};

crate::slug_enum! {
    #[catalog("violation.type_")]
    /// A type of violation; the slugs are stable (forms and links use them).
    pub enum Violation {
        /// 虚假宣传: claims about the goods that are not true.
        FalseAdvertising => "false_advertising",
        /// 虚假功效宣传: health or efficacy claims (治愈, 降血压 …).
        FalseEfficacy => "false_efficacy",
        /// 价格欺诈: invented original prices, bait pricing.
        PriceFraud => "price_fraud",
        /// 假冒伪劣: counterfeit or substandard goods.
        Counterfeit => "counterfeit",
        /// 拒绝售后: refusing returns, refunds or repairs owed.
        RefusingAfterSales => "refusing_after_sales",
        /// 站外引流/私下交易: luring buyers off the platform.
        OffPlatform => "off_platform",
        /// 违规留资: collecting personal data against the rules.
        PersonalData => "personal_data",
    }
}

crate::slug_enum! {
    #[catalog("violation.level_")]
    /// How serious one violation was.
    pub enum Level {
        General => "general",
        Serious => "serious",
        ParticularlySerious => "particularly_serious",
    }
}

crate::slug_enum! {
    #[catalog("violation.measure_")]
    /// What a violation (or a threshold of points) brings, lightest first.
    pub enum Measure {
        Warning => "warning",
        /// Live selling restricted for a number of days.
        RestrictLive => "restrict_live",
        /// Until a supervisor lifts it.
        Suspend => "suspend",
    }
}

/// Points count for this long after the action that deducted them.
pub const WINDOW_DAYS: i64 = 365;

/// A restriction lasts 1 to this many days.
pub const MAX_DAYS: i32 = 365;

/// The start of the window of points that count at `now`: an action taken
/// after it counts.
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(WINDOW_DAYS)
}

/// The credit score: 100 less the points that count, never below zero.
pub fn credit_score(counted: i64) -> i32 {
    i32::try_from((i64::from(STARTING_POINTS) - counted).max(0)).unwrap_or(0)
}

/// Points and a measure: a schedule's entry, a threshold's, or what a
/// supervisor chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Penalty {
    pub points: i32,
    pub measure: Measure,
    /// For [`Measure::RestrictLive`] only.
    pub days: Option<i32>,
}

/// What is wrong with a penalty as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PenaltyError {
    /// Not a whole number from 0 to 100.
    Points,
    Measure,
    /// A restriction needs 1 to 365 days.
    Days,
}

impl PenaltyError {
    /// The form field at fault.
    pub fn field(self) -> &'static str {
        match self {
            PenaltyError::Points => "points",
            PenaltyError::Measure => "measure",
            PenaltyError::Days => "days",
        }
    }
}

impl Penalty {
    /// A penalty as a form types it: points 0 to 100, a measure, and days
    /// for a restriction (ignored for the others).
    pub fn parse(points: &str, measure: &str, days: &str) -> Result<Penalty, PenaltyError> {
        let points =
            points.trim().parse().ok().filter(|p| (0..=STARTING_POINTS).contains(p)).ok_or(PenaltyError::Points)?;
        let measure = Measure::from_slug(measure.trim()).ok_or(PenaltyError::Measure)?;
        let days = match measure {
            Measure::RestrictLive => {
                Some(days.trim().parse().ok().filter(|d| (1..=MAX_DAYS).contains(d)).ok_or(PenaltyError::Days)?)
            }
            _ => None,
        };
        Ok(Penalty { points, measure, days })
    }

    /// What a supervisor chose under `self`, a schedule's entry: each
    /// field left empty is the schedule's.
    pub fn chosen(self, points: &str, measure: &str, days: &str) -> Result<Penalty, PenaltyError> {
        let or = |typed: &str, default: String| if typed.trim().is_empty() { default } else { typed.to_owned() };
        let measure = or(measure, self.measure.slug().to_owned());
        let same_measure = measure.trim() == self.measure.slug();
        let days_default =
            if same_measure { self.days.map(|d| d.to_string()).unwrap_or_default() } else { String::new() };
        Penalty::parse(&or(points, self.points.to_string()), &measure, &or(days, days_default))
    }

    /// The action it is taken as.
    pub fn kind(self) -> ActionKind {
        match self.measure {
            Measure::Warning => ActionKind::Warning,
            Measure::RestrictLive => ActionKind::RestrictLive,
            Measure::Suspend => ActionKind::Suspend,
        }
    }

    /// When a restriction ends by itself.
    pub fn ends_at(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.days.map(|d| now + Duration::days(i64::from(d)))
    }

    /// Whether `self` is no heavier than `other` in any way: no more
    /// points, no heavier measure, no more days of the same restriction.
    pub fn within(self, other: Penalty) -> bool {
        let days = match (self.measure, other.measure) {
            (Measure::RestrictLive, Measure::RestrictLive) => self.days <= other.days,
            _ => true,
        };
        self.points <= other.points && self.measure <= other.measure && days
    }
}

impl PartialOrd for Measure {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Measure {
    /// Lightest first, as declared.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |m: &Measure| Measure::ALL.iter().position(|x| x == m);
        rank(self).cmp(&rank(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(points: i32, measure: Measure, days: Option<i32>) -> Penalty {
        Penalty { points, measure, days }
    }

    #[test]
    fn a_supervisor_may_go_lighter_and_never_heavier() {
        let entry = p(6, Measure::RestrictLive, Some(7));
        assert_eq!(entry.chosen("", "", ""), Ok(entry));
        assert_eq!(entry.chosen("3", "", ""), Ok(p(3, Measure::RestrictLive, Some(7))));
        assert!(entry.chosen("3", "", "3").unwrap().within(entry));
        assert!(entry.chosen("", "warning", "").unwrap().within(entry));
        assert!(!entry.chosen("7", "", "").unwrap().within(entry));
        assert!(!entry.chosen("", "", "8").unwrap().within(entry));
        assert!(!entry.chosen("", "suspend", "").unwrap().within(entry));
        assert_eq!(entry.chosen("x", "", ""), Err(PenaltyError::Points));
        assert_eq!(entry.chosen("", "ban", ""), Err(PenaltyError::Measure));
        let warning = p(2, Measure::Warning, None);
        assert_eq!(warning.chosen("", "restrict_live", ""), Err(PenaltyError::Days), "a restriction needs its days");
        assert!(Measure::Warning < Measure::RestrictLive && Measure::RestrictLive < Measure::Suspend);
    }

    #[test]
    fn the_score_is_what_is_left_of_100() {
        assert_eq!(credit_score(0), 100);
        assert_eq!(credit_score(30), 70);
        assert_eq!(credit_score(130), 0);
        assert_eq!(Penalty::parse("101", "warning", ""), Err(PenaltyError::Points));
        assert_eq!(Penalty::parse("0", "warning", "9"), Ok(p(0, Measure::Warning, None)));
    }
}

//! What a supervisor can do against a merchant, modelled on what platforms
//! do, and the appeal windows against it.

use chrono::{DateTime, Duration, Utc};

crate::slug_enum! {
    #[catalog("action.")]
    pub enum ActionKind {
        Warning => "warning",
        /// Credit points taken off (merchants start at 100).
        Deduction => "deduction",
        RestrictLive => "restrict_live",
        Suspend => "suspend",
        /// On a product (`target` product): 下架.
        Delist => "delist",
        /// On a live room: recommendations limited (限流).
        LimitRoom => "limit",
        /// On a live room: may not stream (断播).
        CutRoom => "cut",
        /// On a host: may not be put on a session.
        BanHost => "ban",
    }
}

crate::slug_enum! {
    #[catalog("appeal.decision_")]
    /// A supervisor's decision on a merchant's appeal.
    pub enum AppealDecision {
        /// The action is reversed.
        Granted => "granted",
        Rejected => "rejected",
    }
}

pub const STARTING_POINTS: i32 = 100;

impl ActionKind {
    /// What this kind of action is taken on.
    pub fn target(self) -> crate::domain::live::Target {
        use crate::domain::live::Target;
        match self {
            ActionKind::Delist => Target::Product,
            ActionKind::LimitRoom | ActionKind::CutRoom => Target::Room,
            ActionKind::BanHost => Target::Host,
            _ => Target::Merchant,
        }
    }

    /// The kinds a supervisor takes from the merchant's page.
    pub const ON_MERCHANT: &'static [ActionKind] =
        &[ActionKind::Warning, ActionKind::Deduction, ActionKind::RestrictLive, ActionKind::Suspend];

    /// Applies until lifted (or reversed on appeal), and shows as a banner.
    pub fn is_ongoing(self) -> bool {
        !matches!(self, ActionKind::Warning | ActionKind::Deduction)
    }
}

/// Credit points after a deduction: never below zero.
pub fn deduct(points: i32, by: i32) -> i32 {
    (points - by).max(0)
}

/// How long a merchant has to start an appeal, and then to submit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealWindows {
    pub start: Duration,
    pub submit: Duration,
}

impl Default for AppealWindows {
    /// 5 natural days to start, 3 to submit.
    fn default() -> Self {
        AppealWindows { start: Duration::days(5), submit: Duration::days(3) }
    }
}

impl AppealWindows {
    pub fn start_by(&self, action_at: DateTime<Utc>) -> DateTime<Utc> {
        action_at + self.start
    }

    pub fn submit_by(&self, started_at: DateTime<Utc>) -> DateTime<Utc> {
        started_at + self.submit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_five_and_three_natural_days() {
        let at = DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc);
        let w = AppealWindows::default();
        assert_eq!(w.start_by(at) - at, Duration::hours(120));
        assert_eq!(w.submit_by(at) - at, Duration::hours(72));
        assert_eq!(deduct(100, 30), 70);
        assert_eq!(deduct(10, 30), 0);
        assert!(ActionKind::Suspend.is_ongoing() && !ActionKind::Warning.is_ongoing());
    }
}

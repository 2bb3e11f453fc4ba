//! The step bar at the top of the tracking page: where the complaint
//! stands on its way, 提交 → 商家回应 → 解决方案 → 完成, or, once the
//! platform is involved, 提交 → 商家回应 → 平台介入 → 裁定. A withdrawn
//! complaint says so plainly as its last step.

use crate::domain::progress::Progress;
use crate::domain::state::State;
use crate::i18n::Tr;

/// One step of the way, by its slug (`data-step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Filed,
    Response,
    Proposal,
    Done,
    Platform,
    Ruling,
    Withdrawn,
}

impl Step {
    fn slug(self) -> &'static str {
        match self {
            Step::Filed => "filed",
            Step::Response => "response",
            Step::Proposal => "proposal",
            Step::Done => "done",
            Step::Platform => "platform",
            Step::Ruling => "ruling",
            Step::Withdrawn => "withdrawn",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Step::Filed => "steps.filed",
            Step::Response => "steps.response",
            Step::Proposal => "steps.proposal",
            Step::Done => "steps.done",
            Step::Platform => "steps.platform",
            Step::Ruling => "steps.ruling",
            Step::Withdrawn => "steps.withdrawn",
        }
    }
}

/// How a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Behind the complaint.
    Passed,
    /// Where the complaint stands (`aria-current="step"`).
    Current,
    /// Still ahead.
    Ahead,
    /// Passed over: the merchant never responded before the platform
    /// stepped in, or before the consumer withdrew.
    Missed,
}

impl Mark {
    fn slug(self) -> &'static str {
        match self {
            Mark::Passed => "passed",
            Mark::Current => "current",
            Mark::Ahead => "ahead",
            Mark::Missed => "missed",
        }
    }

    /// What a screen reader says besides the step's name.
    fn key(self) -> &'static str {
        match self {
            Mark::Passed => "steps.mark_passed",
            Mark::Current => "steps.mark_current",
            Mark::Ahead => "steps.mark_ahead",
            Mark::Missed => "steps.mark_missed",
        }
    }
}

/// A step as the template renders it.
pub struct StepView {
    pub step: &'static str,
    pub mark: &'static str,
    pub current: bool,
    pub label: String,
    /// What a screen reader says besides the label: "done", "missed"…
    pub said: String,
}

/// The way the complaint has gone and where it stands on it.
pub fn way(progress: &Progress) -> Vec<(Step, Mark)> {
    let responded = progress.responded_at.is_some();
    let response = |standing: bool| match (responded, standing) {
        (true, _) => Mark::Passed,
        (false, true) => Mark::Ahead,
        (false, false) => Mark::Missed,
    };
    // Each step before `at` is passed, `at` is current, the rest ahead.
    let along = |steps: [Step; 4], at: usize| -> Vec<(Step, Mark)> {
        let mark = |i: usize| match i.cmp(&at) {
            std::cmp::Ordering::Less => Mark::Passed,
            std::cmp::Ordering::Equal => Mark::Current,
            std::cmp::Ordering::Greater => Mark::Ahead,
        };
        steps.iter().enumerate().map(|(i, s)| (*s, mark(i))).collect()
    };
    let plain = [Step::Filed, Step::Response, Step::Proposal, Step::Done];
    let platform = [Step::Filed, Step::Response, Step::Platform, Step::Ruling];
    let mut way = match progress.state {
        State::Submitted => along(plain, 0),
        State::Responded => along(plain, 1),
        State::Proposed => along(plain, 2),
        State::Resolved => along(plain, 3),
        State::Escalated => along(platform, 2),
        State::Closed => along(platform, 3),
        State::Withdrawn => {
            return vec![
                (Step::Filed, Mark::Passed),
                (Step::Response, response(false)),
                (Step::Withdrawn, Mark::Current),
            ];
        }
    };
    // The platform stepped in without the merchant's response.
    if matches!(progress.state, State::Escalated | State::Closed) {
        way[1].1 = response(false);
    }
    way
}

pub fn views(t: &Tr, progress: &Progress) -> Vec<StepView> {
    way(progress)
        .into_iter()
        .map(|(step, mark)| StepView {
            step: step.slug(),
            mark: mark.slug(),
            current: mark == Mark::Current,
            label: t.get(step.key()).to_owned(),
            said: t.get(mark.key()).to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(state: State, responded: bool) -> Vec<(Step, Mark)> {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().to_utc();
        let mut progress = Progress::new(state, now, now);
        progress.responded_at = responded.then_some(now);
        way(&progress)
    }

    fn current(way: &[(Step, Mark)]) -> Vec<Step> {
        way.iter().filter(|(_, m)| *m == Mark::Current).map(|(s, _)| *s).collect()
    }

    #[test]
    fn each_state_stands_at_one_step() {
        use Step::*;
        let cases = [
            (State::Submitted, false, Filed),
            (State::Responded, true, Response),
            (State::Proposed, true, Proposal),
            (State::Resolved, true, Done),
            (State::Escalated, false, Platform),
            (State::Closed, true, Ruling),
            (State::Withdrawn, false, Withdrawn),
        ];
        for (state, responded, step) in cases {
            assert_eq!(current(&at(state, responded)), [step], "{state:?}");
        }
    }

    #[test]
    fn escalation_shows_whether_the_merchant_responded() {
        let silent = at(State::Escalated, false);
        assert_eq!(
            silent.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            [Step::Filed, Step::Response, Step::Platform, Step::Ruling]
        );
        assert_eq!(silent[1].1, Mark::Missed);
        assert_eq!(at(State::Escalated, true)[1].1, Mark::Passed);
        assert_eq!(at(State::Submitted, false)[1].1, Mark::Ahead);
        assert_eq!(at(State::Withdrawn, true)[1].1, Mark::Passed);
    }
}

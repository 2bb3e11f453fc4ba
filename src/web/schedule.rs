//! The violation schedule as its pages show it: supervisors edit it at
//! `/supervisor/violations`, merchants read it at `/merchant/violations`.

use crate::domain::violation::{Measure, Penalty};
use crate::i18n::Tr;
use crate::store::violations::{EntryRow, ThresholdRow};
use crate::web::consumer::Choice;

/// A penalty's form, with the values it shows (as stored, or as typed
/// into a refused form) and its mistake.
pub struct PenaltyForm {
    /// The form's name: `entry-<type>-<level>` or `threshold-<id>`.
    pub form: String,
    pub action: String,
    pub points: String,
    pub days: String,
    pub measures: Vec<Choice>,
    /// The measure in words, and the days of a restriction.
    pub words: String,
    /// The points in words ("扣 6 分").
    pub points_words: String,
    /// (field, message) of a refused form.
    pub error: Option<(&'static str, String)>,
}

impl PenaltyForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// One type of violation, its levels one a line.
pub struct TypeLine {
    pub slug: &'static str,
    pub name: String,
    /// (level slug, level in words, its points, its form).
    pub levels: Vec<(&'static str, String, i32, PenaltyForm)>,
}

pub struct ThresholdLine {
    pub points: i32,
    /// "累计达 12 分：限制直播 7 天".
    pub line: String,
    pub form: PenaltyForm,
}

/// What a refused form sent: its name, the points, measure and days
/// typed, and the mistake.
pub struct Refused {
    pub form: String,
    pub typed: (String, String, String),
    pub error: (&'static str, String),
}

/// The measure in words: "限制直播 7 天".
pub fn measure_words(t: &Tr, p: Penalty) -> String {
    match p.days {
        Some(n) => format!("{} {}", t.get(p.measure.key()), t.fmt("violation.days", &[("n", &n)])),
        None => t.get(p.measure.key()).to_owned(),
    }
}

fn form(t: &Tr, name: String, action: String, points: i32, p: Penalty, refused: Option<&Refused>) -> PenaltyForm {
    let stored = (points.to_string(), p.measure.slug().to_owned(), p.days.map(|d| d.to_string()).unwrap_or_default());
    let (typed, error) = match refused.filter(|r| r.form == name) {
        Some(r) => (r.typed.clone(), Some(r.error.clone())),
        None => (stored, None),
    };
    let measures = Measure::ALL
        .iter()
        .map(|m| Choice { value: m.slug().into(), label: t.get(m.key()).into(), selected: *m == typed.1.as_str() })
        .collect();
    let points_words = t.fmt("action.points", &[("n", &points)]);
    PenaltyForm {
        form: name,
        action,
        points: typed.0,
        days: typed.2,
        measures,
        words: measure_words(t, p),
        points_words,
        error,
    }
}

/// The schedule type by type (`rows` in the schedule's order).
pub fn types(t: &Tr, rows: &[EntryRow], refused: Option<&Refused>) -> Vec<TypeLine> {
    let mut lines: Vec<TypeLine> = Vec::new();
    for e in rows {
        if lines.last().is_none_or(|l| l.slug != e.violation.slug()) {
            lines.push(TypeLine {
                slug: e.violation.slug(),
                name: t.get(e.violation.key()).to_owned(),
                levels: vec![],
            });
        }
        let (v, l) = (e.violation.slug(), e.level.slug());
        let f = form(
            t,
            format!("entry-{v}-{l}"),
            format!("/supervisor/violations/{v}/{l}"),
            e.points,
            e.penalty(),
            refused,
        );
        if let Some(line) = lines.last_mut() {
            line.levels.push((l, t.get(e.level.key()).to_owned(), e.points, f));
        }
    }
    lines
}

pub fn thresholds(t: &Tr, rows: &[ThresholdRow], refused: Option<&Refused>) -> Vec<ThresholdLine> {
    rows.iter()
        .map(|th| ThresholdLine {
            points: th.points,
            line: t.fmt("violation.threshold_line", &[("n", &th.points), ("measure", &measure_words(t, th.penalty()))]),
            form: form(
                t,
                format!("threshold-{}", th.id),
                format!("/supervisor/violations/thresholds/{}", th.id),
                th.points,
                th.penalty(),
                refused,
            ),
        })
        .collect()
}

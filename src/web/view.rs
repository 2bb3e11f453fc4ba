//! Turning stored facts into what a page shows: times in the deployment's
//! zone, deadlines with the time left or overdue-by, in the reader's
//! language.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use chrono_tz::Tz;

use crate::domain::deadline::{DeadlineFacts, DeadlineKind, DeadlineStatus};
use crate::domain::event::Viewer;
use crate::domain::live::Target;
use crate::i18n::Tr;
use crate::store::actions::ActionRow;
use crate::store::from_db;

/// An instant, as `<time datetime="…">` wants it and as people read it.
pub struct TimeView {
    pub utc: String,
    pub local: String,
}

pub fn time(t: &Tr, tz: Tz, at: DateTime<Utc>) -> TimeView {
    TimeView { utc: at.to_rfc3339_opts(SecondsFormat::Secs, true), local: t.time(tz, at) }
}

/// A duration in the largest sensible units: "6 天 23 小时" above three
/// days, "47 小时 59 分" below (minutes rounded down).
pub fn duration(t: &Tr, d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if minutes >= 72 * 60 {
        t.fmt("duration.days_hours", &[("d", &days), ("h", &hours)])
    } else {
        t.fmt("duration.hours_minutes", &[("h", &(minutes / 60)), ("m", &mins)])
    }
}

/// A median time to the first answer in words: from an hour as
/// [`duration`] ("3 小时 5 分"), under an hour in minutes ("25 分钟"),
/// under a minute "不到 1 分钟"; `None` (nothing answered yet) says so.
pub fn median_wait(t: &Tr, median: Option<Duration>) -> String {
    let Some(d) = median else { return t.get("duration.none_yet").to_owned() };
    match d.num_minutes() {
        ..=0 => t.get("duration.under_a_minute").to_owned(),
        m @ 1..=59 => t.fmt("duration.minutes", &[("m", &m)]),
        _ => duration(t, d),
    }
}

/// One deadline as the templates render it.
pub struct DeadlineView {
    pub kind: &'static str,
    pub label: String,
    pub due: TimeView,
    pub met: bool,
    pub overdue: bool,
    /// "还剩 47 小时 59 分", "已超时 2 小时 5 分", "已按时完成" …
    pub status: String,
    /// A CSS modifier: pending, soon, met, overdue, waiting, stopped.
    pub tone: &'static str,
}

impl DeadlineView {
    /// Still running (or running late): the page's script counts it.
    pub fn live(&self) -> bool {
        matches!(self.tone, "pending" | "soon" | "overdue")
    }
}

/// `viewer` decides the words: "等待您的答复" to the consumer, "等待消费者答复" to staff.
pub fn deadline(
    t: &Tr,
    tz: Tz,
    kind: DeadlineKind,
    facts: &DeadlineFacts,
    now: DateTime<Utc>,
    viewer: Viewer,
) -> DeadlineView {
    let status = facts.status(now);
    let (text, tone) = match status {
        DeadlineStatus::Pending { left } => {
            let tone = if left <= Duration::hours(12) { "soon" } else { "pending" };
            (t.fmt("deadline.left", &[("d", &duration(t, left))]), tone)
        }
        DeadlineStatus::Met { at } => (t.fmt("deadline.met", &[("at", &time(t, tz, at).local)]), "met"),
        DeadlineStatus::Overdue { by } => (t.fmt("deadline.overdue", &[("d", &duration(t, by))]), "overdue"),
        DeadlineStatus::AwaitingConsumer => (t.to(viewer, "deadline.awaiting").to_owned(), "waiting"),
        DeadlineStatus::Stopped => (t.get("deadline.stopped").to_owned(), "stopped"),
    };
    DeadlineView {
        kind: kind.slug(),
        label: t.get(kind.key()).to_owned(),
        due: time(t, tz, facts.due),
        met: matches!(status, DeadlineStatus::Met { .. }),
        overdue: matches!(status, DeadlineStatus::Overdue { .. }),
        status: text,
        tone,
    }
}

/// A form field as `templates/_fields.html` renders it: label, hint, the
/// error next to it, and the value typed.
pub struct FieldView {
    /// The form field's name.
    pub name: &'static str,
    /// The element's id, unique on the page (the name unless two forms on
    /// one page share a field name).
    pub id: String,
    pub label: String,
    pub hint: String,
    pub error: Option<String>,
    pub value: String,
}

impl FieldView {
    /// `label` is the label's catalog key, `{form}.{name}`, written out
    /// where the field is made (the catalog test reads it there and wants
    /// `{form}.{name}_hint` too): the field's name is what follows the dot.
    pub fn new(t: &Tr, label: &'static str, value: &str, error: Option<String>) -> FieldView {
        let name = label.rsplit_once('.').map_or(label, |(_, name)| name);
        FieldView {
            name,
            id: name.to_owned(),
            label: t.get(label).to_owned(),
            hint: t.get(&format!("{label}_hint")).to_owned(),
            error,
            value: value.to_owned(),
        }
    }
}

impl FieldView {
    /// For a form's summary of mistakes: the field's id and "label: what
    /// is wrong", if something is.
    pub fn mistake(&self, t: &Tr) -> Option<(String, String)> {
        let why = self.error.as_deref()?;
        Some((self.id.clone(), t.fmt("form.error_item", &[("label", &self.label), ("error", &why)])))
    }

    pub fn with_id(mut self, id: &str) -> FieldView {
        self.id = id.to_owned();
        self
    }
}

/// Yuan from fen, for display: "¥1,299.00" style without the grouping.
pub fn money(fen: i64) -> String {
    format!("¥{}", crate::domain::amount::format_yuan(fen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn durations_read_naturally() {
        let zh = Lang::ZhCn.tr();
        let en = Lang::En.tr();
        let d = Duration::hours(48) - Duration::seconds(1);
        assert_eq!(duration(&zh, d), "47 小时 59 分");
        assert_eq!(duration(&en, d), "47 h 59 min");
        assert_eq!(duration(&zh, Duration::days(7) - Duration::minutes(1)), "6 天 23 小时");
    }

    #[test]
    fn medians_read_naturally_in_both_languages() {
        let (zh, en) = (Lang::ZhCn.tr(), Lang::En.tr());
        let cases = [
            (None, "还没有回复", "no replies yet"),
            (Some(Duration::seconds(-5)), "不到 1 分钟", "under a minute"),
            (Some(Duration::zero()), "不到 1 分钟", "under a minute"),
            (Some(Duration::seconds(59)), "不到 1 分钟", "under a minute"),
            (Some(Duration::seconds(60)), "1 分钟", "1 min"),
            (Some(Duration::minutes(25) + Duration::seconds(40)), "25 分钟", "25 min"),
            (Some(Duration::minutes(59) + Duration::seconds(59)), "59 分钟", "59 min"),
            (Some(Duration::hours(1)), "1 小时 0 分", "1 h 0 min"),
            (Some(Duration::minutes(185)), "3 小时 5 分", "3 h 5 min"),
            (Some(Duration::days(4)), "4 天 0 小时", "4 d 0 h"),
        ];
        for (d, chinese, english) in cases {
            assert_eq!(median_wait(&zh, d), chinese, "{d:?}");
            assert_eq!(median_wait(&en, d), english, "{d:?}");
        }
    }

    #[test]
    fn deadlines_carry_their_state() {
        let zh = Lang::ZhCn.tr();
        let due = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().with_timezone(&Utc);
        let facts = DeadlineFacts { due, met_at: None, ended_at: None, awaiting_since: None };
        let v = deadline(
            &zh,
            chrono_tz::Asia::Shanghai,
            DeadlineKind::Response,
            &facts,
            due - Duration::hours(2),
            Viewer::Consumer,
        );
        assert_eq!(v.due.utc, "2026-11-22T10:00:00Z");
        assert_eq!(v.due.local, "2026年11月22日 18:00");
        assert_eq!(v.status, "还剩 2 小时 0 分");
        assert_eq!(v.tone, "soon");
        let late = deadline(
            &zh,
            chrono_tz::Asia::Shanghai,
            DeadlineKind::Response,
            &facts,
            due + Duration::minutes(90),
            Viewer::Merchant,
        );
        assert!(late.overdue && !late.met);
        assert_eq!(late.status, "已超时 1 小时 30 分");
    }
}

/// What a refused form had in it, for a page with several forms: shown
/// again in the form it came from, with the message next to the field it
/// is about.
#[derive(Default)]
pub struct KeptForm {
    /// Which form of the page (its fields' ids start with this).
    form: String,
    values: std::collections::HashMap<String, String>,
    error: Option<(&'static str, String)>,
}

impl KeptForm {
    /// `fields` as typed into `form`.
    pub fn new(form: impl Into<String>, fields: &[(&str, String)]) -> KeptForm {
        let values = fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        KeptForm { form: form.into(), values, error: None }
    }

    /// The mistake is in `field`.
    pub fn wrong(mut self, field: &'static str, message: String) -> KeptForm {
        self.error = Some((field, message));
        self
    }

    /// What was typed into `field` of `form`; nothing for the other forms.
    pub fn value(&self, form: &str, field: &str) -> &str {
        if self.form != form {
            return "";
        }
        self.values.get(field).map_or("", String::as_str)
    }

    /// Whether `value` was the one chosen for `field` of `form`.
    pub fn chose(&self, form: &str, field: &str, value: &str) -> bool {
        !value.is_empty() && self.value(form, field) == value
    }

    /// The message for `field` of `form`, if its mistake is there.
    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        match &self.error {
            Some((wrong, message)) if self.form == form && *wrong == field => Some(message),
            _ => None,
        }
    }
}

/// A measure on a room, host or product, as its pages list it.
pub struct MeasureLine {
    pub kind: String,
    pub reason: String,
    pub taken: TimeView,
    pub ended: Option<TimeView>,
    pub end_reason: String,
}

/// Each measure taken on a room, host or product, oldest first, with how
/// it ended.
pub fn measures(t: &Tr, tz: chrono_tz::Tz, rows: &[ActionRow]) -> Vec<MeasureLine> {
    rows.iter()
        .map(|a| MeasureLine {
            kind: t.get(a.kind.key()).to_owned(),
            reason: a.reason.clone(),
            taken: time(t, tz, from_db(a.taken_at)),
            ended: a.ended_at.map(|at| time(t, tz, from_db(at))),
            end_reason: a.end_reason.clone().unwrap_or_default(),
        })
        .collect()
}

/// The names of the things actions were taken on (`store::live::target_names`).
pub type TargetNames = std::collections::HashMap<(Target, i64), String>;

/// What an action was taken on, in words ("商品：焕颜精华"); `None` for an
/// action on the merchant itself.
pub fn target_words(t: &Tr, names: &TargetNames, a: &ActionRow) -> Option<String> {
    let id = a.target_id?;
    let target = a.kind.target();
    on_words(t, target, names.get(&(target, id)).map(String::as_str))
}

/// "商品：焕颜精华" for a thing of `target`'s kind named `name` (its kind
/// alone when the name is not known); `None` for the merchant itself.
pub fn on_words(t: &Tr, target: Target, name: Option<&str>) -> Option<String> {
    let key = match target {
        Target::Product => "live_review.on_product",
        Target::Room => "live_review.on_room",
        Target::Host => "live_review.on_host",
        Target::Merchant => return None,
    };
    Some(match name {
        Some(name) => t.fmt(key, &[("name", &name)]),
        None => t.get(target.key()).to_owned(),
    })
}

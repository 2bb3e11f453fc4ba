//! User reports (举报, issue 20): anyone may report what they saw in a
//! merchant's live room or session, without an order. A report is the
//! platform's, not a complaint: no deadlines run on it and the merchant is
//! not told. It is scored by the same risk rules as complaints and counted
//! toward incidents; a supervisor marks it reviewed or dismisses it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::complaint::{DESCRIPTION_MAX, DESCRIPTION_MIN};
use super::contact::Phone;
use super::field::{Field, FieldErrors, Invalid, check};
use super::live::forms::local_time;
use super::text;

/// What was seen may be reported up to this many days later (the form
/// offers the sessions of as many days).
pub const SEEN_DAYS: i64 = 30;
/// A supervisor's note on a report, at most.
pub const NOTE_MAX: usize = 500;

crate::slug_enum! {
    #[catalog("report.state_")]
    /// Where a report stands (`reports.state`).
    pub enum ReportState {
        /// Not looked at yet: on the supervisors' list above the rest.
        New => "new",
        /// A supervisor looked and took it into account.
        Reviewed => "reviewed",
        /// A supervisor looked and set it aside, with a note why.
        Dismissed => "dismissed",
    }
}

crate::slug_enum! {
    /// What a supervisor decides on a new report (`decision`).
    pub enum ReportDecision {
        Review => "review",
        Dismiss => "dismiss",
    }
}

impl ReportDecision {
    /// The state it leaves the report in.
    pub fn state(self) -> ReportState {
        match self {
            ReportDecision::Review => ReportState::Reviewed,
            ReportDecision::Dismiss => ReportState::Dismissed,
        }
    }
}

/// The report form exactly as typed; kept to show it again on error.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub merchant: String,
    pub room: String,
    pub live_session: String,
    /// `YYYY-MM-DDTHH:MM`, in the deployment's zone.
    pub seen_at: String,
    pub description: String,
    /// Optional: a report may be anonymous.
    pub phone: String,
}

/// A report that passed the form's rules; whether the room and session are
/// the merchant's is the service's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub merchant_id: i64,
    pub room_id: i64,
    pub live_session_id: Option<i64>,
    pub seen_at: DateTime<Utc>,
    pub description: String,
    pub phone: Option<Phone>,
}

fn id(raw: &str, unknown: Invalid) -> Result<i64, Invalid> {
    match raw.trim() {
        "" => Err(Invalid::Required),
        s => s.parse::<i64>().ok().filter(|id| *id > 0).ok_or(unknown),
    }
}

/// When it was seen: a time in the deployment's zone, not after `now` and
/// not more than [`SEEN_DAYS`] before it.
fn seen(raw: &str, tz: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    let at = local_time(raw, tz)?;
    // The form says minutes: the minute under way is not the future.
    if at > now {
        return Err(Invalid::SeenInFuture);
    }
    if at < now - Duration::days(SEEN_DAYS) {
        return Err(Invalid::SeenTooOld { days: SEEN_DAYS as usize });
    }
    Ok(at)
}

impl ReportForm {
    /// Every field checked at once, each mistake next to its field.
    pub fn validate(&self, tz: Tz, now: DateTime<Utc>) -> Result<NewReport, FieldErrors> {
        let mut errors = FieldErrors::default();
        let merchant_id = check(&mut errors, Field::Merchant, id(&self.merchant, Invalid::UnknownMerchant));
        let room_id = check(&mut errors, Field::Room, id(&self.room, Invalid::NotFound));
        let live_session_id = match self.live_session.trim() {
            "" => Some(None),
            raw => check(&mut errors, Field::LiveSession, id(raw, Invalid::UnknownSession).map(Some)),
        };
        let seen_at = check(&mut errors, Field::SeenAt, seen(&self.seen_at, tz, now));
        let description = check(
            &mut errors,
            Field::Description,
            text::clean_shown(&self.description, DESCRIPTION_MIN, DESCRIPTION_MAX, true).map_err(Invalid::from),
        );
        let phone = match self.phone.trim() {
            "" => Some(None),
            raw => check(&mut errors, Field::Phone, Phone::parse(raw).map(Some).ok_or(Invalid::Phone)),
        };
        match (merchant_id, room_id, live_session_id, seen_at, description, phone) {
            (
                Some(merchant_id),
                Some(room_id),
                Some(live_session_id),
                Some(seen_at),
                Some(description),
                Some(phone),
            ) if errors.is_empty() => {
                Ok(NewReport { merchant_id, room_id, live_session_id, seen_at, description, phone })
            }
            _ => Err(errors),
        }
    }
}

/// A supervisor's note: trimmed, at most [`NOTE_MAX`] characters; needed
/// to dismiss a report, optional to mark it reviewed.
pub fn note(decision: ReportDecision, raw: &str) -> Result<Option<String>, Invalid> {
    match (decision, raw.trim()) {
        (ReportDecision::Dismiss, "") => Err(Invalid::Required),
        (ReportDecision::Review, "") => Ok(None),
        (_, raw) => text::clean_shown(raw, 2, NOTE_MAX, true).map(Some).map_err(Invalid::from),
    }
}

/// The reference a reporter is given: `JB` + the date (deployment zone) +
/// the report's number, at least six digits (`JB20261205000007`).
pub fn reference(local_date: NaiveDate, number: i64) -> String {
    format!("JB{}{:06}", local_date.format("%Y%m%d"), number)
}

/// Whether `raw` is a report's reference as [`reference`] writes them.
pub fn is_reference(raw: &str) -> bool {
    raw.strip_prefix("JB").is_some_and(|d| (14..=24).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> Tz {
        "Asia/Shanghai".parse().unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-05T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn form() -> ReportForm {
        ReportForm {
            merchant: "3".into(),
            room: "7".into(),
            live_session: String::new(),
            seen_at: "2026-12-05T19:30".into(),
            description: "主播说这款保健品能根治高血压，让老人多买几盒。".into(),
            phone: String::new(),
        }
    }

    #[test]
    fn a_report_may_be_anonymous_and_is_read_in_the_deployment_zone() {
        let r = form().validate(tz(), now()).unwrap();
        assert_eq!((r.merchant_id, r.room_id, r.live_session_id, r.phone), (3, 7, None, None));
        assert_eq!(r.seen_at.to_rfc3339(), "2026-12-05T11:30:00+00:00");
        let named = ReportForm { live_session: "9".into(), phone: "138 0013 8000".into(), ..form() };
        let r = named.validate(tz(), now()).unwrap();
        assert_eq!((r.live_session_id, r.phone.unwrap().as_str()), (Some(9), "13800138000"));
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let errors = ReportForm::default().validate(tz(), now()).unwrap_err();
        for f in [Field::Merchant, Field::Room, Field::SeenAt, Field::Description] {
            assert_eq!(errors.get(f), Some(Invalid::Required), "{f:?}");
        }
        assert_eq!((errors.get(Field::LiveSession), errors.get(Field::Phone)), (None, None), "both optional");
        let bad = ReportForm {
            room: "x".into(),
            live_session: "-1".into(),
            phone: "12345".into(),
            description: "太差".into(),
            ..form()
        };
        let e = bad.validate(tz(), now()).unwrap_err();
        assert_eq!(e.get(Field::Room), Some(Invalid::NotFound));
        assert_eq!(e.get(Field::LiveSession), Some(Invalid::UnknownSession));
        assert_eq!(e.get(Field::Phone), Some(Invalid::Phone));
        assert_eq!(e.get(Field::Description), Some(Invalid::TooShort { min: DESCRIPTION_MIN }));
    }

    #[test]
    fn what_was_seen_was_seen_in_the_last_thirty_days_not_tomorrow() {
        let at = |seen: &str| ReportForm { seen_at: seen.into(), ..form() }.validate(tz(), now());
        assert!(at("2026-12-05T20:00").is_ok(), "this very minute");
        assert_eq!(at("2026-12-05T20:01").unwrap_err().get(Field::SeenAt), Some(Invalid::SeenInFuture));
        assert!(at("2026-11-05T20:00").is_ok());
        assert_eq!(at("2026-11-05T19:59").unwrap_err().get(Field::SeenAt), Some(Invalid::SeenTooOld { days: 30 }));
        assert_eq!(at("yesterday").unwrap_err().get(Field::SeenAt), Some(Invalid::DateTime));
    }

    #[test]
    fn dismissing_needs_a_note_and_references_have_their_shape() {
        assert_eq!(note(ReportDecision::Dismiss, "  "), Err(Invalid::Required));
        assert_eq!(note(ReportDecision::Review, ""), Ok(None));
        assert_eq!(note(ReportDecision::Dismiss, " 重复举报 ").unwrap().as_deref(), Some("重复举报"));
        assert_eq!(note(ReportDecision::Review, &"长".repeat(501)), Err(Invalid::TooLong { max: NOTE_MAX }));
        let r = reference(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), 7);
        assert_eq!(r, "JB20261205000007");
        assert!(is_reference(&r) && !is_reference("TS20261205000007") && !is_reference("JB2026"));
        assert_eq!(ReportDecision::Dismiss.state(), ReportState::Dismissed);
    }
}

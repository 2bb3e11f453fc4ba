//! Platform inspections (巡查): a supervisor watches a live room, during a
//! session or not, and records when, what was found and a verdict, with
//! evidence. The form as typed and its validation are here; what needs
//! the database (does the room exist, is the session the room's, which
//! session was on) is checked by `service::inspections`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::field::{Field, FieldErrors, Invalid, check, choice};
use super::live::forms::local_time;
use super::text;

/// What was found is written in at most this many characters.
pub const FOUND_MAX: usize = 2000;
/// The reason of a measure taken from an inspection: the inspection's
/// number goes with it, within the measures' 500 characters.
pub const MEASURE_REASON_MAX: usize = 460;

crate::slug_enum! {
    #[catalog("verdict.")]
    /// What the inspector concluded (`inspections.verdict`).
    pub enum Verdict {
        NoIssue => "no_issue",
        /// Something to watch, not (yet) a violation.
        Concern => "concern",
        Violation => "violation",
    }
}

/// The inspection form as typed: `room` and `live_session` are ids (the
/// session optional: found from the room and the time when empty),
/// `inspected_at` is `YYYY-MM-DDTHH:MM` in the deployment's zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct InspectionForm {
    pub room: String,
    pub live_session: String,
    pub inspected_at: String,
    pub found: String,
    pub verdict: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidInspection {
    pub room_id: i64,
    pub live_session_id: Option<i64>,
    pub inspected_at: DateTime<Utc>,
    pub found: String,
    pub verdict: Verdict,
}

/// A row id typed into a form: `None` for an empty field.
fn optional_id(raw: &str) -> Result<Option<i64>, Invalid> {
    match raw.trim() {
        "" => Ok(None),
        s => s.parse::<i64>().ok().filter(|id| *id > 0).map(Some).ok_or(Invalid::NotFound),
    }
}

impl InspectionForm {
    /// Every field checked at once; `now` bounds the time (an inspection
    /// is recorded after it happened).
    pub fn validate(&self, tz: Tz, now: DateTime<Utc>) -> Result<ValidInspection, FieldErrors> {
        let mut errors = FieldErrors::default();
        let room = optional_id(&self.room).and_then(|id| id.ok_or(Invalid::Required));
        let room_id = check(&mut errors, Field::Room, room);
        let live_session_id = check(&mut errors, Field::LiveSession, optional_id(&self.live_session));
        let inspected_at = check(
            &mut errors,
            Field::InspectedAt,
            local_time(&self.inspected_at, tz).and_then(|at| if at > now { Err(Invalid::InFuture) } else { Ok(at) }),
        );
        let found =
            check(&mut errors, Field::Found, text::clean_shown(&self.found, 2, FOUND_MAX, true).map_err(Invalid::from));
        let verdict = check(&mut errors, Field::Verdict, choice(&self.verdict, Verdict::from_slug));
        match (room_id, live_session_id, inspected_at, found, verdict) {
            (Some(room_id), Some(live_session_id), Some(inspected_at), Some(found), Some(verdict)) => {
                Ok(ValidInspection { room_id, live_session_id, inspected_at, found, verdict })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn an_inspection_is_read_in_the_deployment_zone_and_not_in_the_future() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let now = at("2026-12-05T12:00:00Z");
        let form = InspectionForm {
            room: "3".into(),
            live_session: String::new(),
            inspected_at: "2026-12-05T19:30".into(),
            found: "  主播口播“降血压”，未见备案功效。 ".into(),
            verdict: "violation".into(),
        };
        let v = form.validate(tz, now).unwrap();
        assert_eq!(v.inspected_at, at("2026-12-05T11:30:00Z"));
        assert_eq!((v.room_id, v.live_session_id, v.verdict), (3, None, Verdict::Violation));
        assert_eq!(v.found, "主播口播“降血压”，未见备案功效。");
        let named = InspectionForm { live_session: "8".into(), ..form.clone() };
        assert_eq!(named.validate(tz, now).unwrap().live_session_id, Some(8));

        let later = InspectionForm { inspected_at: "2026-12-05T20:01".into(), ..form.clone() };
        assert_eq!(later.validate(tz, now).unwrap_err().get(Field::InspectedAt), Some(Invalid::InFuture));
        let empty = InspectionForm::default().validate(tz, now).unwrap_err();
        for f in [Field::Room, Field::InspectedAt, Field::Found, Field::Verdict] {
            assert_eq!(empty.get(f), Some(Invalid::Required), "{f:?}");
        }
        assert_eq!(empty.get(Field::LiveSession), None, "the session is optional");
        let bad = InspectionForm { room: "x".into(), live_session: "-1".into(), verdict: "fine".into(), ..form };
        let e = bad.validate(tz, now).unwrap_err();
        assert_eq!(
            (e.get(Field::Room), e.get(Field::LiveSession), e.get(Field::Verdict)),
            (Some(Invalid::NotFound), Some(Invalid::NotFound), Some(Invalid::UnknownChoice))
        );
    }
}

//! Actions taken under the violation schedule, the thresholds their points
//! reach, and supervisors' edits of the schedule (docs/violations.md).
//!
//! A threshold is crossed once: when an action brings the merchant's
//! points of the last 12 months to it, a row records the action that did
//! (`crossed_by`), and the threshold's measure is taken with it. It is not
//! crossed again while the points counted up to that action (unreversed,
//! still within 12 months) reach it: a retried form or a second action
//! adds points, not a second measure. Once they no longer do (points
//! expired, an appeal granted), the next action that reaches it crosses it
//! anew. Every take holds the merchant's row first, so two at once count
//! one after the other.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::action::STARTING_POINTS;
use crate::domain::text;
use crate::domain::violation::{Level, Penalty, PenaltyError, Violation, window_start};
use crate::i18n::Lang;
use crate::service::actions::ActionError;
use crate::service::notify;
use crate::service::webhooks::{self, Taken};
use crate::store::DbConnection;
use crate::store::violations::{self as store, EntryRow, NewViolationAction, ThresholdRow};

/// The action form under the schedule, as typed: points, measure and days
/// left empty are the schedule's.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked<'a> {
    pub violation: &'a str,
    pub level: &'a str,
    pub points: &'a str,
    pub measure: &'a str,
    pub days: &'a str,
    /// What the merchant did.
    pub reason: &'a str,
    /// Why lighter than the schedule (needed only then).
    pub mitigation: &'a str,
}

/// Takes an action under the schedule: its points and measure are the
/// schedule's, or lighter with a reason; then the thresholds its points
/// reach. Returns the action's id.
pub fn take(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    asked: &Asked<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, ActionError> {
    let violation = Violation::from_slug(asked.violation.trim()).ok_or(ActionError::Violation)?;
    let level = Level::from_slug(asked.level.trim()).ok_or(ActionError::Level)?;
    let why = text::clean(asked.reason, 2, 500, true).map_err(|_| ActionError::Reason)?;
    conn.write(|conn| {
        if !store::hold_merchant(conn, merchant_id)? {
            return Err(ActionError::NotFound);
        }
        let schedule = store::entry(conn, violation, level)?.ok_or(ActionError::Violation)?.penalty();
        let chosen = schedule.chosen(asked.points, asked.measure, asked.days).map_err(ActionError::Penalty)?;
        if !chosen.within(schedule) {
            return Err(ActionError::Heavier);
        }
        let mitigation = match chosen == schedule {
            true => None,
            false => Some(text::clean(asked.mitigation, 2, 500, true).map_err(|_| ActionError::Mitigation)?),
        };
        let points = (chosen.points > 0).then_some(chosen.points);
        let new = NewViolationAction {
            merchant_id,
            kind: chosen.kind(),
            points,
            reason: &why,
            violation: Some(violation),
            level: Some(level),
            mitigation: mitigation.as_deref(),
            ends_at: chosen.ends_at(now),
            crossed: None,
            taken_by: by,
        };
        let id = store::insert_action(conn, &new, now)?;
        notify::action(conn, config, merchant_id, id, new.kind, points, &why, now)?;
        let taken = Taken { action_id: id, kind: new.kind, target_id: None, points, reason: &why };
        webhooks::action_taken(conn, merchant_id, &taken, now)?;
        if points.is_some() {
            cross_thresholds(conn, config, merchant_id, id, by, now)?;
        }
        Ok(id)
    })
}

/// The thresholds the merchant's points reach after action `crossed_by`
/// that it has not crossed already: each is recorded, and the heaviest's
/// measure taken (one restriction of 30 days, not one of 7 and one of 30).
/// Returns the measure's id, if one was taken.
fn cross_thresholds(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    crossed_by: i64,
    by: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<i64>> {
    let counted = store::counted(conn, merchant_id, window_start(now))?;
    let upto = |last: i64| counted.iter().filter(|(id, _)| *id <= last).map(|(_, p)| i64::from(*p)).sum::<i64>();
    let total = upto(i64::MAX);
    let mut crossed: Vec<ThresholdRow> = Vec::new();
    for t in store::thresholds(conn)? {
        if total < i64::from(t.points) {
            continue;
        }
        match store::last_trigger(conn, merchant_id, t.id)? {
            Some(last) if upto(last.crossed_by) >= i64::from(last.threshold_points) => {}
            _ => crossed.push(t),
        }
    }
    let Some(heaviest) = crossed.iter().max_by_key(|t| (t.points, t.id)).cloned() else {
        return Ok(None);
    };
    let total = i32::try_from(total).unwrap_or(i32::MAX);
    let measure = heaviest.penalty();
    let reason = auto_reason(Lang::ZhCn, total, heaviest.points);
    let new = NewViolationAction {
        merchant_id,
        kind: measure.kind(),
        points: None,
        reason: &reason,
        violation: None,
        level: None,
        mitigation: None,
        ends_at: measure.ends_at(now),
        crossed: Some((total, heaviest.points)),
        taken_by: by,
    };
    let id = store::insert_action(conn, &new, now)?;
    for t in &crossed {
        store::insert_trigger(conn, merchant_id, t, (total, crossed_by), (t.id == heaviest.id).then_some(id), now)?;
    }
    notify::action(conn, config, merchant_id, id, new.kind, None, &reason, now)?;
    let taken = Taken { action_id: id, kind: new.kind, target_id: None, points: None, reason: &reason };
    webhooks::action_taken(conn, merchant_id, &taken, now)?;
    Ok(Some(id))
}

/// A threshold's measure explained: the points counted in 12 months and
/// the threshold they reached.
pub fn auto_reason(lang: Lang, total: i32, threshold: i32) -> String {
    lang.tr().fmt("violation.auto_reason", &[("total", &total), ("threshold", &threshold)])
}

/// The merchant's points of the last 12 months that count, and its credit
/// score from them: one range of `merchant_actions_points`.
pub fn standing(conn: &mut DbConnection, merchant_id: i64, now: DateTime<Utc>) -> diesel::QueryResult<(i64, i32)> {
    let points: i64 = store::counted(conn, merchant_id, window_start(now))?.iter().map(|(_, p)| i64::from(*p)).sum();
    Ok((points, crate::domain::violation::credit_score(points)))
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("no such entry")]
    NotFound,
    #[error("penalty: {0:?}")]
    Penalty(PenaltyError),
    /// A threshold's points: 1 to 100, and not another threshold's.
    #[error("threshold points")]
    ThresholdPoints,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The entry of `violation` at `level` set to the points, measure and
/// days typed; returns it as it was.
pub fn edit_entry(
    conn: &mut DbConnection,
    (violation, level): (&str, &str),
    (points, measure, days): (&str, &str, &str),
    by: i64,
    now: DateTime<Utc>,
) -> Result<EntryRow, ScheduleError> {
    let violation = Violation::from_slug(violation).ok_or(ScheduleError::NotFound)?;
    let level = Level::from_slug(level).ok_or(ScheduleError::NotFound)?;
    let penalty = Penalty::parse(points, measure, days).map_err(ScheduleError::Penalty)?;
    conn.write(|conn| {
        let before = store::entry(conn, violation, level)?.ok_or(ScheduleError::NotFound)?;
        store::set_entry(conn, before.id, penalty, by, now)?;
        Ok(before)
    })
}

/// Threshold `id` set to the points, measure and days typed; returns it
/// as it was.
pub fn edit_threshold(
    conn: &mut DbConnection,
    id: i64,
    (points, measure, days): (&str, &str, &str),
    by: i64,
    now: DateTime<Utc>,
) -> Result<ThresholdRow, ScheduleError> {
    let points: i32 = points
        .trim()
        .parse()
        .ok()
        .filter(|p| (1..=STARTING_POINTS).contains(p))
        .ok_or(ScheduleError::ThresholdPoints)?;
    let penalty = Penalty::parse("0", measure, days).map_err(ScheduleError::Penalty)?;
    conn.write(|conn| {
        let all = store::thresholds(conn)?;
        let before = all.iter().find(|t| t.id == id).cloned().ok_or(ScheduleError::NotFound)?;
        if all.iter().any(|t| t.id != id && t.points == points) {
            return Err(ScheduleError::ThresholdPoints);
        }
        store::set_threshold(conn, id, points, penalty, by, now)?;
        Ok(before)
    })
}

//! The violation schedule, its thresholds, the thresholds crossed, and
//! actions taken under the schedule.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sum;
use diesel::prelude::*;

use super::schema::{merchant_actions, merchants, violation_schedule, violation_thresholds, violation_triggers};
use super::{DbConnection, to_db};
use crate::domain::action::ActionKind;
use crate::domain::violation::{Level, Measure, Penalty, Violation};

/// One entry of the schedule: a type at a level.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = violation_schedule)]
pub struct EntryRow {
    pub id: i64,
    pub violation: Violation,
    pub level: Level,
    pub points: i32,
    pub measure: Measure,
    pub days: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = violation_thresholds)]
pub struct ThresholdRow {
    pub id: i64,
    pub points: i32,
    pub measure: Measure,
    pub days: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = violation_triggers)]
pub struct TriggerRow {
    pub id: i64,
    pub merchant_id: i64,
    pub threshold_id: i64,
    pub threshold_points: i32,
    pub total_points: i32,
    pub crossed_by: i64,
    pub action_id: Option<i64>,
    pub crossed_at: NaiveDateTime,
}

impl EntryRow {
    pub fn penalty(&self) -> Penalty {
        Penalty { points: self.points, measure: self.measure, days: self.days }
    }
}

impl ThresholdRow {
    pub fn penalty(&self) -> Penalty {
        Penalty { points: 0, measure: self.measure, days: self.days }
    }
}

/// The whole schedule, type by type, lightest level first.
pub fn schedule(conn: &mut DbConnection) -> QueryResult<Vec<EntryRow>> {
    let mut rows: Vec<EntryRow> = violation_schedule::table.select(EntryRow::as_select()).load(conn)?;
    rows.sort_by_key(|e| {
        (Violation::ALL.iter().position(|v| *v == e.violation), Level::ALL.iter().position(|l| *l == e.level))
    });
    Ok(rows)
}

pub fn entry(conn: &mut DbConnection, violation: Violation, level: Level) -> QueryResult<Option<EntryRow>> {
    violation_schedule::table
        .filter(violation_schedule::violation.eq(violation))
        .filter(violation_schedule::level.eq(level))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()
}

/// Sets an entry's points and measure; false if there is no such entry.
pub fn set_entry(conn: &mut DbConnection, id: i64, p: Penalty, by: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(violation_schedule::table.find(id))
        .set((
            violation_schedule::points.eq(p.points),
            violation_schedule::measure.eq(p.measure),
            violation_schedule::days.eq(p.days),
            violation_schedule::updated_at.eq(to_db(now)),
            violation_schedule::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The thresholds, lowest first.
pub fn thresholds(conn: &mut DbConnection) -> QueryResult<Vec<ThresholdRow>> {
    violation_thresholds::table
        .order((violation_thresholds::points, violation_thresholds::id))
        .select(ThresholdRow::as_select())
        .load(conn)
}

/// Sets a threshold's points and measure; false if there is none.
pub fn set_threshold(
    conn: &mut DbConnection,
    id: i64,
    points: i32,
    p: Penalty,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(violation_thresholds::table.find(id))
        .set((
            violation_thresholds::points.eq(points),
            violation_thresholds::measure.eq(p.measure),
            violation_thresholds::days.eq(p.days),
            violation_thresholds::updated_at.eq(to_db(now)),
            violation_thresholds::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Holds the merchant's row to the end of the transaction (PostgreSQL
/// locks it; SQLite holds the whole database already): the takes that
/// count a merchant's points and cross its thresholds run one after the
/// other. False if there is no such merchant.
pub fn hold_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<bool> {
    let n = diesel::update(merchants::table.find(merchant_id))
        .set(merchants::credit_points.eq(merchants::credit_points))
        .execute(conn)?;
    Ok(n == 1)
}

/// An action taken under the schedule, or by a threshold.
pub struct NewViolationAction<'a> {
    pub merchant_id: i64,
    pub kind: ActionKind,
    pub points: Option<i32>,
    pub reason: &'a str,
    pub violation: Option<Violation>,
    pub level: Option<Level>,
    pub mitigation: Option<&'a str>,
    pub ends_at: Option<DateTime<Utc>>,
    /// (points counted, threshold) for a threshold's measure.
    pub crossed: Option<(i32, i32)>,
    pub taken_by: i64,
}

pub fn insert_action(conn: &mut DbConnection, a: &NewViolationAction<'_>, now: DateTime<Utc>) -> QueryResult<i64> {
    diesel::insert_into(merchant_actions::table)
        .values((
            merchant_actions::merchant_id.eq(a.merchant_id),
            merchant_actions::kind.eq(a.kind),
            merchant_actions::points.eq(a.points),
            merchant_actions::reason.eq(a.reason),
            merchant_actions::taken_at.eq(to_db(now)),
            merchant_actions::taken_by.eq(a.taken_by),
            merchant_actions::violation.eq(a.violation),
            merchant_actions::level.eq(a.level),
            merchant_actions::mitigation.eq(a.mitigation),
            merchant_actions::ends_at.eq(a.ends_at.map(to_db)),
            merchant_actions::accrued_points.eq(a.crossed.map(|c| c.0)),
            merchant_actions::threshold_points.eq(a.crossed.map(|c| c.1)),
        ))
        .returning(merchant_actions::id)
        .get_result(conn)
}

/// The merchant's actions whose points count (unreversed, taken after
/// `since`): (id, points), a range of `merchant_actions_points`.
pub fn counted(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<Vec<(i64, i32)>> {
    let rows: Vec<(i64, Option<i32>)> = merchant_actions::table
        .filter(merchant_actions::merchant_id.eq(merchant_id))
        .filter(merchant_actions::points.is_not_null())
        .filter(merchant_actions::taken_at.gt(to_db(since)))
        .filter(merchant_actions::reversed.eq(false))
        .select((merchant_actions::id, merchant_actions::points))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, p)| (id, p.unwrap_or(0))).collect())
}

/// The points that count for each of `merchants` (those with none are
/// not in the map): one range of `merchant_actions_points` each.
pub fn counted_by_merchant(
    conn: &mut DbConnection,
    merchants: &[i64],
    since: DateTime<Utc>,
) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, Option<i64>)> = merchant_actions::table
        .filter(merchant_actions::merchant_id.eq_any(merchants))
        .filter(merchant_actions::points.is_not_null())
        .filter(merchant_actions::taken_at.gt(to_db(since)))
        .filter(merchant_actions::reversed.eq(false))
        .group_by(merchant_actions::merchant_id)
        .select((merchant_actions::merchant_id, sum(merchant_actions::points)))
        .load(conn)?;
    Ok(rows.into_iter().map(|(m, p)| (m, p.unwrap_or(0))).collect())
}

/// The last time the merchant crossed threshold `threshold_id`.
pub fn last_trigger(conn: &mut DbConnection, merchant_id: i64, threshold_id: i64) -> QueryResult<Option<TriggerRow>> {
    violation_triggers::table
        .filter(violation_triggers::merchant_id.eq(merchant_id))
        .filter(violation_triggers::threshold_id.eq(threshold_id))
        .order(violation_triggers::id.desc())
        .select(TriggerRow::as_select())
        .first(conn)
        .optional()
}

/// Records threshold `t` crossed by action `crossed_by` at `total` points,
/// and the measure it brought, if any.
pub fn insert_trigger(
    conn: &mut DbConnection,
    merchant_id: i64,
    t: &ThresholdRow,
    (total, crossed_by): (i32, i64),
    action_id: Option<i64>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(violation_triggers::table)
        .values((
            violation_triggers::merchant_id.eq(merchant_id),
            violation_triggers::threshold_id.eq(t.id),
            violation_triggers::threshold_points.eq(t.points),
            violation_triggers::total_points.eq(total),
            violation_triggers::crossed_by.eq(crossed_by),
            violation_triggers::action_id.eq(action_id),
            violation_triggers::crossed_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(drop)
}

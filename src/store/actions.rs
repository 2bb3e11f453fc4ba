//! Actions taken against merchants, and appeals against them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{appeals, merchant_actions, merchants};
use super::{DbConnection, to_db};
use crate::domain::action::{ActionKind, AppealDecision};
use crate::domain::live::Target;
use crate::domain::violation::{Level, Violation, window_start};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = merchant_actions)]
pub struct ActionRow {
    pub id: i64,
    pub merchant_id: i64,
    pub kind: ActionKind,
    pub points: Option<i32>,
    pub reason: String,
    pub taken_at: NaiveDateTime,
    pub taken_by: i64,
    pub ended_at: Option<NaiveDateTime>,
    pub ended_by: Option<i64>,
    pub end_reason: Option<String>,
    pub reversed: bool,
    /// What the action is on, and which one (`None` for the merchant).
    pub target: Target,
    pub target_id: Option<i64>,
    /// Taken under the violation schedule: the type and level.
    pub violation: Option<Violation>,
    pub level: Option<Level>,
    /// Why the supervisor went lighter than the schedule.
    pub mitigation: Option<String>,
    /// A restriction of N days ends by itself then.
    pub ends_at: Option<NaiveDateTime>,
    /// Taken because points reached a threshold: the points counted in
    /// the window, and the threshold.
    pub accrued_points: Option<i32>,
    pub threshold_points: Option<i32>,
}

impl ActionRow {
    /// The action as it stands at `now`: a restriction whose days are
    /// over has ended then, whether or not the sweeper has written it yet.
    pub fn as_of(mut self, now: DateTime<Utc>) -> ActionRow {
        if self.ended_at.is_none() && self.ends_at.is_some_and(|end| end <= to_db(now)) {
            self.ended_at = self.ends_at;
        }
        self
    }

    /// Whether its points count at `now`: not reversed, and taken within
    /// the last 12 months.
    pub fn counts(&self, now: DateTime<Utc>) -> bool {
        !self.reversed && self.points.is_some() && self.taken_at > to_db(window_start(now))
    }

    /// Whether it ended by itself when its days were over.
    pub fn expired(&self) -> bool {
        self.ended_at.is_some() && self.ended_at == self.ends_at && self.ended_by.is_none()
    }
}

/// The points of `actions` that count at `now`.
pub fn counted_points(actions: &[ActionRow], now: DateTime<Utc>) -> i64 {
    actions.iter().filter(|a| a.counts(now)).filter_map(|a| a.points).map(i64::from).sum()
}

pub fn insert(
    conn: &mut DbConnection,
    merchant_id: i64,
    kind: ActionKind,
    points: Option<i32>,
    reason: &str,
    taken_by: i64,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(merchant_actions::table)
        .values((
            merchant_actions::merchant_id.eq(merchant_id),
            merchant_actions::kind.eq(kind),
            merchant_actions::points.eq(points),
            merchant_actions::reason.eq(reason),
            merchant_actions::taken_at.eq(to_db(now)),
            merchant_actions::taken_by.eq(taken_by),
        ))
        .returning(merchant_actions::id)
        .get_result(conn)
}

/// An action on one of the merchant's products, rooms or hosts
/// (`kind.target()` says which), `target_id` that thing's id.
pub fn insert_on(
    conn: &mut DbConnection,
    merchant_id: i64,
    kind: ActionKind,
    target_id: i64,
    reason: &str,
    taken_by: i64,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(merchant_actions::table)
        .values((
            merchant_actions::merchant_id.eq(merchant_id),
            merchant_actions::kind.eq(kind),
            merchant_actions::reason.eq(reason),
            merchant_actions::taken_at.eq(to_db(now)),
            merchant_actions::taken_by.eq(taken_by),
            merchant_actions::target.eq(kind.target()),
            merchant_actions::target_id.eq(target_id),
        ))
        .returning(merchant_actions::id)
        .get_result(conn)
}

/// The actions on one product, room or host, newest first: a range of
/// `merchant_actions_target`.
pub fn on_target(conn: &mut DbConnection, target: Target, target_id: i64) -> QueryResult<Vec<ActionRow>> {
    merchant_actions::table
        .filter(merchant_actions::target.eq(target))
        .filter(merchant_actions::target_id.eq(target_id))
        .select(ActionRow::as_select())
        .order(merchant_actions::id.desc())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ActionRow>> {
    merchant_actions::table.find(id).select(ActionRow::as_select()).first(conn).optional()
}

/// A merchant's actions as they stand at `now` ([`ActionRow::as_of`]),
/// newest first: what pages show.
pub fn for_merchant_at(conn: &mut DbConnection, merchant_id: i64, now: DateTime<Utc>) -> QueryResult<Vec<ActionRow>> {
    Ok(for_merchant(conn, merchant_id)?.into_iter().map(|a| a.as_of(now)).collect())
}

/// A merchant's actions, newest first.
pub fn for_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<ActionRow>> {
    merchant_actions::table
        .filter(merchant_actions::merchant_id.eq(merchant_id))
        .select(ActionRow::as_select())
        .order(merchant_actions::id.desc())
        .load(conn)
}

/// Ends an action (lifted, or reversed on appeal) unless it has ended.
pub fn end(
    conn: &mut DbConnection,
    id: i64,
    by: i64,
    reason: &str,
    reversed: bool,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(merchant_actions::table.find(id).filter(merchant_actions::ended_at.is_null()))
        .set((
            merchant_actions::ended_at.eq(to_db(now)),
            merchant_actions::ended_by.eq(by),
            merchant_actions::end_reason.eq(reason),
            merchant_actions::reversed.eq(reversed),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Reverses an action on a granted appeal: it ends now unless it has
/// ended (lifted, or its days over), and its points stop counting. False
/// if it was reversed already.
pub fn reverse(conn: &mut DbConnection, id: i64, by: i64, reason: &str, now: DateTime<Utc>) -> QueryResult<bool> {
    if end(conn, id, by, reason, true, now)? {
        return Ok(true);
    }
    let n = diesel::update(merchant_actions::table.find(id).filter(merchant_actions::reversed.eq(false)))
        .set(merchant_actions::reversed.eq(true))
        .execute(conn)?;
    Ok(n == 1)
}

/// Whether any restriction of N days ran out and is not ended yet: a read,
/// so that a sweep with nothing to end takes no write lock.
pub fn any_expired(conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        merchant_actions::table
            .filter(merchant_actions::ends_at.is_not_null())
            .filter(merchant_actions::ended_at.is_null())
            .filter(merchant_actions::ends_at.le(to_db(now))),
    ))
    .get_result(conn)
}

/// Ends the restrictions whose days are over, each at the end of its days
/// (not at the sweep's time): a range of `merchant_actions_ends`. Running
/// it again ends nothing more.
pub fn end_expired(conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        merchant_actions::table
            .filter(merchant_actions::ends_at.is_not_null())
            .filter(merchant_actions::ended_at.is_null())
            .filter(merchant_actions::ends_at.le(to_db(now))),
    )
    .set(merchant_actions::ended_at.eq(merchant_actions::ends_at))
    .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = appeals)]
pub struct AppealRow {
    pub id: i64,
    pub action_id: i64,
    pub merchant_id: i64,
    pub started_at: NaiveDateTime,
    pub started_by: i64,
    pub statement: Option<String>,
    pub materials: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decision: Option<AppealDecision>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
}

pub fn appeal_for(conn: &mut DbConnection, action_id: i64) -> QueryResult<Option<AppealRow>> {
    appeals::table.filter(appeals::action_id.eq(action_id)).select(AppealRow::as_select()).first(conn).optional()
}

pub fn appeals_for_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<AppealRow>> {
    appeals::table.filter(appeals::merchant_id.eq(merchant_id)).select(AppealRow::as_select()).load(conn)
}

pub fn start_appeal(conn: &mut DbConnection, action: &ActionRow, by: i64, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(appeals::table)
        .values((
            appeals::action_id.eq(action.id),
            appeals::merchant_id.eq(action.merchant_id),
            appeals::started_at.eq(to_db(now)),
            appeals::started_by.eq(by),
        ))
        .execute(conn)
        .map(drop)
}

/// Records the one submission; false if it was submitted already.
pub fn submit_appeal(
    conn: &mut DbConnection,
    appeal_id: i64,
    statement: &str,
    materials: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(appeals::table.find(appeal_id).filter(appeals::submitted_at.is_null()))
        .set((appeals::statement.eq(statement), appeals::materials.eq(materials), appeals::submitted_at.eq(to_db(now))))
        .execute(conn)?;
    Ok(n == 1)
}

/// Records the decision; false if it was decided already.
pub fn decide_appeal(
    conn: &mut DbConnection,
    appeal_id: i64,
    decision: AppealDecision,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(appeals::table.find(appeal_id).filter(appeals::decision.is_null()))
        .set((
            appeals::decision.eq(decision),
            appeals::decision_reason.eq(reason),
            appeals::decided_by.eq(by),
            appeals::decided_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Appeals submitted and waiting for a supervisor, oldest first, with the
/// merchant's name.
pub fn pending_appeals(conn: &mut DbConnection) -> QueryResult<Vec<(AppealRow, String)>> {
    appeals::table
        .inner_join(merchants::table)
        .filter(appeals::decision.is_null())
        .filter(appeals::submitted_at.is_not_null())
        .select((AppealRow::as_select(), merchants::name))
        .order(appeals::submitted_at)
        .load(conn)
}

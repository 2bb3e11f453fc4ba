//! The risk rules, their version, and the risk columns of a complaint.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{complaints, risk_rules, risk_rules_version};
use super::{DbConnection, to_db};
use crate::domain::category::Category;
use crate::domain::risk::{RiskState, Rule, RuleKind, words_of};

/// A rule as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = risk_rules)]
pub struct RuleRow {
    pub id: i64,
    pub kind: RuleKind,
    pub label: String,
    pub pattern: String,
    pub threshold_fen: Option<i64>,
    pub category: Option<Category>,
    pub weight: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i64>,
}

impl RuleRow {
    /// The rule as scoring reads it.
    pub fn rule(&self) -> Rule {
        Rule {
            id: self.id,
            kind: self.kind,
            label: self.label.clone(),
            words: words_of(&self.pattern),
            threshold_fen: self.threshold_fen,
            category: self.category,
            weight: self.weight,
        }
    }
}

/// What a rule is set to: a new one's or an edit's.
pub struct RuleValues<'a> {
    pub label: &'a str,
    pub pattern: &'a str,
    pub threshold_fen: Option<i64>,
    pub category: Option<Category>,
    pub weight: i32,
    pub active: bool,
}

/// The rules' version: bumped by every change of a rule, read at intake
/// (one row, by its key) to tell whether the rules in memory are current.
pub fn version(conn: &mut DbConnection) -> QueryResult<i64> {
    risk_rules_version::table.find(1).select(risk_rules_version::version).first(conn)
}

fn bump(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::update(risk_rules_version::table.find(1))
        .set(risk_rules_version::version.eq(risk_rules_version::version + 1))
        .execute(conn)
        .map(drop)
}

/// The rules that score, in the order they were made.
pub fn active(conn: &mut DbConnection) -> QueryResult<Vec<RuleRow>> {
    risk_rules::table.filter(risk_rules::active.eq(true)).order(risk_rules::id).select(RuleRow::as_select()).load(conn)
}

/// Every rule, in the order they were made.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<RuleRow>> {
    risk_rules::table.order(risk_rules::id).select(RuleRow::as_select()).load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<RuleRow>> {
    risk_rules::table.find(id).select(RuleRow::as_select()).first(conn).optional()
}

/// Adds a rule matching words, and bumps the version.
pub fn insert(conn: &mut DbConnection, v: &RuleValues<'_>, by: i64, now: DateTime<Utc>) -> QueryResult<i64> {
    let id = diesel::insert_into(risk_rules::table)
        .values((
            risk_rules::kind.eq(RuleKind::Words),
            risk_rules::label.eq(v.label),
            risk_rules::pattern.eq(v.pattern),
            risk_rules::weight.eq(v.weight),
            risk_rules::active.eq(v.active),
            risk_rules::created_at.eq(to_db(now)),
            risk_rules::updated_at.eq(to_db(now)),
            risk_rules::updated_by.eq(by),
        ))
        .returning(risk_rules::id)
        .get_result(conn)?;
    bump(conn)?;
    Ok(id)
}

/// Sets a rule's values (its kind stays), and bumps the version.
pub fn update(conn: &mut DbConnection, id: i64, v: &RuleValues<'_>, by: i64, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(risk_rules::table.find(id))
        .set((
            risk_rules::label.eq(v.label),
            risk_rules::pattern.eq(v.pattern),
            risk_rules::threshold_fen.eq(v.threshold_fen),
            risk_rules::category.eq(v.category),
            risk_rules::weight.eq(v.weight),
            risk_rules::active.eq(v.active),
            risk_rules::updated_at.eq(to_db(now)),
            risk_rules::updated_by.eq(by),
        ))
        .execute(conn)?;
    bump(conn)
}

/// A complaint's score, matches and flag after a reply was scored.
pub fn set_assessment(
    conn: &mut DbConnection,
    complaint_id: i64,
    score: i32,
    matches: Option<&str>,
    state: Option<RiskState>,
) -> QueryResult<()> {
    diesel::update(complaints::table.find(complaint_id))
        .set((complaints::risk_score.eq(score), complaints::risk_matches.eq(matches), complaints::risk_state.eq(state)))
        .execute(conn)
        .map(drop)
}

/// Dismisses a complaint's `high` flag with the supervisor's reason;
/// returns whether it was flagged.
pub fn dismiss(
    conn: &mut DbConnection,
    complaint_id: i64,
    note: &str,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let flagged = complaints::id.eq(complaint_id).and(complaints::risk_state.eq(RiskState::High));
    let n = diesel::update(complaints::table.filter(flagged))
        .set((
            complaints::risk_state.eq(RiskState::Dismissed),
            complaints::risk_note.eq(note),
            complaints::risk_decided_by.eq(by),
            complaints::risk_decided_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

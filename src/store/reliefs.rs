//! Relief given when complaints ended, and the consumers' answers to
//! whether the money arrived.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use super::schema::reliefs;
use super::{DbConnection, to_db};
use crate::domain::relief::{Relief, ReliefKind, ReliefSource};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reliefs)]
pub struct ReliefRow {
    pub id: i64,
    pub complaint_id: i64,
    pub merchant_id: i64,
    pub kind: ReliefKind,
    pub amount_fen: Option<i64>,
    pub compensation_fen: Option<i64>,
    pub source: ReliefSource,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
    pub ask_at: Option<NaiveDateTime>,
    pub asked_at: Option<NaiveDateTime>,
    pub received: Option<bool>,
    pub answered_at: Option<NaiveDateTime>,
}

impl ReliefRow {
    pub fn relief(&self) -> Relief {
        Relief { kind: self.kind, amount_fen: self.amount_fen, compensation_fen: self.compensation_fen }
    }
}

/// One relief as recorded.
pub struct NewRelief {
    pub complaint_id: i64,
    pub merchant_id: i64,
    pub relief: Relief,
    pub source: ReliefSource,
    pub recorded_by: Option<i64>,
    pub ask_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut DbConnection, r: NewRelief, now: DateTime<Utc>) -> QueryResult<i64> {
    diesel::insert_into(reliefs::table)
        .values((
            reliefs::complaint_id.eq(r.complaint_id),
            reliefs::merchant_id.eq(r.merchant_id),
            reliefs::kind.eq(r.relief.kind),
            reliefs::amount_fen.eq(r.relief.amount_fen),
            reliefs::compensation_fen.eq(r.relief.compensation_fen),
            reliefs::source.eq(r.source),
            reliefs::recorded_at.eq(to_db(now)),
            reliefs::recorded_by.eq(r.recorded_by),
            reliefs::ask_at.eq(r.ask_at.map(to_db)),
        ))
        .returning(reliefs::id)
        .get_result(conn)
}

/// The relief in force: the complaint's latest.
pub fn latest(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Option<ReliefRow>> {
    reliefs::table
        .filter(reliefs::complaint_id.eq(complaint_id))
        .order(reliefs::id.desc())
        .select(ReliefRow::as_select())
        .first(conn)
        .optional()
}

/// The latest relief of each of these complaints that has one.
pub fn latest_of(conn: &mut DbConnection, complaint_ids: &[i64]) -> QueryResult<Vec<ReliefRow>> {
    let mut rows: Vec<ReliefRow> = Vec::new();
    for chunk in complaint_ids.chunks(500) {
        rows.extend(
            reliefs::table
                .filter(reliefs::complaint_id.eq_any(chunk))
                .order((reliefs::complaint_id, reliefs::id))
                .select(ReliefRow::as_select())
                .load::<ReliefRow>(conn)?,
        );
    }
    // In (complaint, id) order: keep each complaint's last.
    let mut latest: Vec<ReliefRow> = Vec::with_capacity(rows.len());
    for row in rows {
        match latest.last_mut() {
            Some(last) if last.complaint_id == row.complaint_id => *last = row,
            _ => latest.push(row),
        }
    }
    Ok(latest)
}

/// Questions whose time came and that were not asked yet, earliest first:
/// a range of the partial index `reliefs_ask`.
pub fn due_to_ask(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64) -> QueryResult<Vec<ReliefRow>> {
    reliefs::table
        .filter(reliefs::asked_at.is_null())
        .filter(reliefs::ask_at.le(to_db(now)))
        .order(reliefs::ask_at)
        .select(ReliefRow::as_select())
        .limit(limit)
        .load(conn)
}

/// Marks the question asked; false when someone asked it first.
pub fn mark_asked(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(reliefs::table.filter(reliefs::id.eq(id)).filter(reliefs::asked_at.is_null()))
        .set(reliefs::asked_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Keeps the consumer's answer, once; false when it was answered before.
pub fn answer(conn: &mut DbConnection, id: i64, received: bool, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(reliefs::table.filter(reliefs::id.eq(id)).filter(reliefs::received.is_null()))
        .set((reliefs::received.eq(received), reliefs::answered_at.eq(to_db(now))))
        .execute(conn)?;
    Ok(n == 1)
}

/// Monetary relief by what the consumers said of it: how many and how
/// much (fen), and of that how much the platform paid first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReliefTotals {
    /// The consumer said it arrived.
    pub confirmed: i64,
    pub confirmed_fen: i64,
    /// Nobody said (yet): silence is not "yes".
    pub unconfirmed: i64,
    pub unconfirmed_fen: i64,
    /// The consumer said it never arrived.
    pub not_delivered: i64,
    pub not_delivered_fen: i64,
    /// Paid first by the platform from deposits (先行赔付), all answers.
    pub compensation_fen: i64,
}

/// For one merchant, or for everyone: a range of `reliefs_merchant` (or
/// the table) grouped by the answer.
pub fn totals(conn: &mut DbConnection, merchant_id: Option<i64>) -> QueryResult<ReliefTotals> {
    let q = reliefs::table.filter(reliefs::kind.eq(ReliefKind::Monetary)).group_by(reliefs::received).select((
        reliefs::received,
        diesel::dsl::count_star(),
        // diesel sums BIGINT as NUMERIC; both backends sum it as BIGINT.
        sql::<Nullable<BigInt>>("CAST(SUM(reliefs.amount_fen) AS BIGINT)"),
        sql::<Nullable<BigInt>>("CAST(SUM(reliefs.compensation_fen) AS BIGINT)"),
    ));
    type Group = (Option<bool>, i64, Option<i64>, Option<i64>);
    let groups: Vec<Group> = match merchant_id {
        Some(id) => q.filter(reliefs::merchant_id.eq(id)).load(conn)?,
        None => q.load(conn)?,
    };
    let mut t = ReliefTotals::default();
    for (received, n, fen, paid) in groups {
        let fen = fen.unwrap_or(0);
        t.compensation_fen += paid.unwrap_or(0);
        match received {
            Some(true) => (t.confirmed, t.confirmed_fen) = (n, fen),
            None => (t.unconfirmed, t.unconfirmed_fen) = (n, fen),
            Some(false) => (t.not_delivered, t.not_delivered_fen) = (n, fen),
        }
    }
    Ok(t)
}

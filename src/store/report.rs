//! What the supervisors' overview and export read.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::complaints::Complaint;
use super::schema::{complaints, merchants};
use super::{DbConnection, state_is, to_db};
use crate::domain::category::Category;
use crate::domain::state::{EscalationReason, State};

/// The facts the overview counts, one row a complaint.
#[derive(Debug, Clone, Queryable)]
pub struct Facts {
    pub merchant_id: i64,
    pub submitted_at: NaiveDateTime,
    pub response_due_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub resolution_due_at: NaiveDateTime,
    pub resolution_met_at: Option<NaiveDateTime>,
    pub response_breached_at: Option<NaiveDateTime>,
    pub resolution_breached_at: Option<NaiveDateTime>,
}

/// Complaints received since `since`: all merchants' (a range over
/// `complaints_submitted`) or one merchant's (`complaints_merchant_submitted`).
fn facts(conn: &mut DbConnection, merchant_id: Option<i64>, since: DateTime<Utc>) -> QueryResult<Vec<Facts>> {
    let mut q = complaints::table
        .filter(complaints::submitted_at.ge(to_db(since)))
        .select((
            complaints::merchant_id,
            complaints::submitted_at,
            complaints::response_due_at,
            complaints::responded_at,
            complaints::resolution_due_at,
            complaints::resolution_met_at,
            complaints::response_breached_at,
            complaints::resolution_breached_at,
        ))
        .into_boxed();
    if let Some(id) = merchant_id {
        q = q.filter(complaints::merchant_id.eq(id));
    }
    q.load(conn)
}

pub fn facts_since(conn: &mut DbConnection, since: DateTime<Utc>) -> QueryResult<Vec<Facts>> {
    facts(conn, None, since)
}

pub fn merchant_facts_since(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: DateTime<Utc>,
) -> QueryResult<Vec<Facts>> {
    facts(conn, Some(merchant_id), since)
}

pub fn open_escalations(conn: &mut DbConnection) -> QueryResult<i64> {
    complaints::table.filter(state_is(State::Escalated)).count().get_result(conn)
}

pub fn merchant_names(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    merchants::table.filter(merchants::id.eq_any(ids)).select((merchants::id, merchants::name)).load(conn)
}

/// What an export selects.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportFilter {
    pub state: Option<State>,
    pub reason: Option<EscalationReason>,
    pub merchant_id: Option<i64>,
    pub category: Option<Category>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_before: Option<DateTime<Utc>>,
}

/// One page of the export, newest first, below id `before`.
pub fn export_page(
    conn: &mut DbConnection,
    filter: ExportFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(Complaint, String)>> {
    let mut q = complaints::table
        .inner_join(merchants::table)
        .select((Complaint::as_select(), merchants::name))
        .order(complaints::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(id) = before {
        q = q.filter(complaints::id.lt(id));
    }
    if let Some(state) = filter.state {
        q = q.filter(complaints::state.eq(state.slug()));
    }
    if let Some(reason) = filter.reason {
        q = q.filter(complaints::escalation_reason.eq(reason.slug()));
    }
    if let Some(id) = filter.merchant_id {
        q = q.filter(complaints::merchant_id.eq(id));
    }
    if let Some(category) = filter.category {
        q = q.filter(complaints::category.eq(category.slug()));
    }
    if let Some(from) = filter.received_from {
        q = q.filter(complaints::submitted_at.ge(to_db(from)));
    }
    if let Some(before) = filter.received_before {
        q = q.filter(complaints::submitted_at.lt(to_db(before)));
    }
    q.load(conn)
}

//! The staff audit log's rows: written, read, never changed (the database
//! refuses that too).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::staff_audit;
use crate::domain::audit::AuditKind;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff_audit)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub actor: String,
    pub kind: AuditKind,
    pub address: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = staff_audit)]
pub struct NewAudit<'a> {
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub actor: &'a str,
    pub kind: AuditKind,
    pub address: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

pub fn insert(conn: &mut DbConnection, row: &NewAudit<'_>) -> QueryResult<()> {
    diesel::insert_into(staff_audit::table).values(row).execute(conn).map(drop)
}

/// What the audit page filters by; `None` is any.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// The e-mail of the person, exactly.
    pub actor: Option<String>,
    /// A kind's slug (the suites name kinds by their text).
    pub kind: Option<String>,
    /// From this time (inclusive) …
    pub from: Option<NaiveDateTime>,
    /// … to this one (exclusive).
    pub until: Option<NaiveDateTime>,
    /// Entries older than this id only (the next page).
    pub before_id: Option<i64>,
}

/// The newest entries that pass `filter`, at most `limit`.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditRow>> {
    let mut query = staff_audit::table.select(AuditRow::as_select()).into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(staff_audit::actor.eq(actor.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(staff_audit::kind.eq(kind.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(staff_audit::at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(staff_audit::at.lt(until));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(staff_audit::id.lt(before));
    }
    // Newest first by id, the order the next page continues from.
    query.order(staff_audit::id.desc()).limit(limit).load(conn)
}

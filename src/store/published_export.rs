//! The register's open data, read: published cases a page at a time down
//! the primary key (keyset, so a million of them cost a million rows read
//! once, in constant memory), and each merchant's figures for the 12315
//! style table.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::published::People;
use super::register::listed;
use super::reliefs::ReliefRow;
use super::schema::{complaints, merchants, register_entries, reliefs};
use super::{DbConnection, to_db};
use crate::domain::category::Category;
use crate::domain::live::ProductCategory;
use crate::domain::register::PublicResponse;
use crate::domain::state::{Outcome, State};

/// A published case as the open data carries it.
#[derive(Debug, Clone)]
pub struct OpenCase {
    pub complaint_id: i64,
    pub reference: String,
    pub submitted_at: NaiveDateTime,
    pub merchant_id: i64,
    pub merchant: String,
    pub credit_code: String,
    pub category: Category,
    pub product_category: Option<ProductCategory>,
    pub response: Option<PublicResponse>,
    /// As typed: to be scrubbed.
    pub description: String,
    pub state: State,
    pub outcome: Option<Outcome>,
    pub response_due_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub response_breached_at: Option<NaiveDateTime>,
    pub people: People,
    /// The relief in force, if it ended with one.
    pub relief: Option<ReliefRow>,
}

type Row = (
    (i64, String, NaiveDateTime, i64, String, String),
    (Category, Option<ProductCategory>, Option<PublicResponse>, String, State, Option<Outcome>),
    (NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>),
    (String, Option<String>, Option<String>, String, Option<i64>),
);

/// Up to `limit` published cases below id `before`, newest first.
pub fn page(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<OpenCase>> {
    let mut q = register_entries::table
        .inner_join(complaints::table)
        .inner_join(merchants::table.on(merchants::id.eq(register_entries::merchant_id)))
        .filter(listed(now))
        .select((
            (
                register_entries::complaint_id,
                complaints::reference,
                register_entries::submitted_at,
                register_entries::merchant_id,
                merchants::name,
                merchants::credit_code,
            ),
            (
                register_entries::category,
                register_entries::product_category,
                register_entries::response,
                complaints::description,
                complaints::state,
                complaints::outcome,
            ),
            (complaints::response_due_at, complaints::responded_at, complaints::response_breached_at),
            (
                complaints::consumer_name,
                complaints::consumer_phone,
                complaints::consumer_email,
                complaints::order_ref,
                complaints::host_id,
            ),
        ))
        .order(register_entries::complaint_id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(id) = before {
        q = q.filter(register_entries::complaint_id.lt(id));
    }
    let rows: Vec<Row> = q.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0.0).collect();
    let mut reliefs: std::collections::HashMap<i64, ReliefRow> =
        super::reliefs::latest_of(conn, &ids)?.into_iter().map(|r| (r.complaint_id, r)).collect();
    let mut out: Vec<OpenCase> = rows
        .into_iter()
        .map(|(a, b, c, p)| OpenCase {
            complaint_id: a.0,
            reference: a.1,
            submitted_at: a.2,
            merchant_id: a.3,
            merchant: a.4,
            credit_code: a.5,
            category: b.0,
            product_category: b.1,
            response: b.2,
            description: b.3,
            state: b.4,
            outcome: b.5,
            response_due_at: c.0,
            responded_at: c.1,
            response_breached_at: c.2,
            people: People {
                consumer_name: p.0,
                consumer_phone: p.1,
                consumer_email: p.2,
                order_ref: p.3,
                host_id: p.4,
                host_real_name: None,
            },
            relief: reliefs.remove(&a.0),
        })
        .collect();
    let mut people: Vec<&mut People> = out.iter_mut().map(|c| &mut c.people).collect();
    super::published::host_names(conn, &mut people)?;
    Ok(out)
}

/// A merchant of the figures' table.
#[derive(Debug, Clone, Queryable)]
pub struct MerchantLine {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
}

/// Up to `limit` merchants after id `after`, by id.
pub fn merchants_after(conn: &mut DbConnection, after: i64, limit: i64) -> QueryResult<Vec<MerchantLine>> {
    merchants::table
        .filter(merchants::id.gt(after))
        .order(merchants::id)
        .select((merchants::id, merchants::name, merchants::credit_code))
        .limit(limit)
        .load(conn)
}

/// How many of the merchant's complaints received since `since` the
/// platform compensated first from its deposit (先行赔付): a range of
/// `reliefs_merchant`, each looked up in the complaints by primary key.
pub fn compensated_since(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<i64> {
    reliefs::table
        .inner_join(complaints::table)
        .filter(reliefs::merchant_id.eq(merchant_id))
        .filter(reliefs::compensation_fen.gt(0))
        .filter(complaints::submitted_at.ge(to_db(since)))
        .select(reliefs::complaint_id)
        .distinct()
        .load::<i64>(conn)
        .map(|ids| ids.len() as i64)
}

//! The public merchant list's copy of each merchant's scorecard figures
//! (`merchant_figures`), and the pages of the list read from it: one
//! range of one index a page, whatever the sort.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::report::MerchantCounts;
use super::schema::{complaint_events, job_positions, merchant_figures as mf, merchants};
use super::{DbConnection, to_db};
use crate::domain::merchant_list::{Dir, Order, SortKey};
use crate::domain::offender::Supervision;

/// Ids bound in one statement at most.
const CHUNK: usize = 500;

/// What a row keeps of the scorecard's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Queryable, Selectable)]
#[diesel(table_name = mf)]
pub struct Counted {
    pub received_30: i64,
    pub received_90: i64,
    pub received_365: i64,
    pub response_decided: i64,
    pub responded: i64,
    pub responded_on_time: i64,
    pub resolution_decided: i64,
    pub resolution_met: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

impl Counted {
    pub fn of(c: &MerchantCounts, (rating_sum, rating_count): (i64, i64)) -> Counted {
        Counted {
            received_30: c.recent[0],
            received_90: c.recent[1],
            received_365: c.received,
            response_decided: c.response_decided,
            responded: c.responded,
            responded_on_time: c.responded_on_time,
            resolution_decided: c.resolution_decided,
            resolution_met: c.resolution_met,
            rating_sum,
            rating_count,
        }
    }

    /// The counts as the scorecard's query returns them, and the ratings.
    pub fn counts(&self) -> (MerchantCounts, (i64, i64)) {
        let counts = MerchantCounts {
            received: self.received_365,
            recent: [self.received_30, self.received_90],
            response_decided: self.response_decided,
            responded: self.responded,
            responded_on_time: self.responded_on_time,
            resolution_decided: self.resolution_decided,
            resolution_met: self.resolution_met,
        };
        (counts, (self.rating_sum, self.rating_count))
    }
}

/// The sort keys of a row: each rate or average in millionths, `None`
/// where there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SortKeys {
    pub response: Option<i64>,
    pub resolution: Option<i64>,
    pub satisfaction: Option<i64>,
}

/// A new merchant's row: nothing counted yet, which is what it has.
pub fn add(conn: &mut DbConnection, merchant_id: i64, name: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(mf::table)
        .values((
            mf::merchant_id.eq(merchant_id),
            mf::name.eq(name),
            mf::name_key.eq(crate::domain::merchant_list::search_key(name)),
            mf::stale.eq(false),
            mf::refreshed_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Merchants without a row (made by other means than onboarding, such as
/// a bulk load): (id, name).
pub fn missing(conn: &mut DbConnection) -> QueryResult<Vec<(i64, String)>> {
    merchants::table
        .left_join(mf::table)
        .filter(mf::merchant_id.nullable().is_null())
        .select((merchants::id, merchants::name))
        .load(conn)
}

/// The merchant's figures are to be counted again.
pub fn touch(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<()> {
    mark_stale(conn, &[merchant_id])
}

pub fn mark_stale(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<()> {
    for chunk in ids.chunks(CHUNK) {
        diesel::update(mf::table.filter(mf::merchant_id.eq_any(chunk)).filter(mf::stale.eq(false)))
            .set(mf::stale.eq(true))
            .execute(conn)?;
    }
    Ok(())
}

/// Up to `limit` merchants whose figures are due: the stale first, then
/// those counted before `older_than`, each oldest first (two ranges of
/// `merchant_figures_due`).
pub fn due(conn: &mut DbConnection, older_than: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    let mut ids: Vec<i64> = mf::table
        .filter(mf::stale.eq(true))
        .order((mf::refreshed_at, mf::merchant_id))
        .select(mf::merchant_id)
        .limit(limit)
        .load(conn)?;
    let left = limit - ids.len() as i64;
    if left > 0 {
        ids.extend(
            mf::table
                .filter(mf::stale.eq(false))
                .filter(mf::refreshed_at.lt(older_than))
                .order((mf::refreshed_at, mf::merchant_id))
                .select(mf::merchant_id)
                .limit(left)
                .load::<i64>(conn)?,
        );
    }
    Ok(ids)
}

/// Taken to be counted: what changes from here on marks them stale again.
pub fn clear_stale(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<()> {
    for chunk in ids.chunks(CHUNK) {
        diesel::update(mf::table.filter(mf::merchant_id.eq_any(chunk))).set(mf::stale.eq(false)).execute(conn)?;
    }
    Ok(())
}

/// The figures counted at `at`.
pub fn store(
    conn: &mut DbConnection,
    merchant_id: i64,
    counted: &Counted,
    keys: SortKeys,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(mf::table.find(merchant_id))
        .set((
            mf::received_30.eq(counted.received_30),
            mf::received_90.eq(counted.received_90),
            mf::received_365.eq(counted.received_365),
            mf::response_decided.eq(counted.response_decided),
            mf::responded.eq(counted.responded),
            mf::responded_on_time.eq(counted.responded_on_time),
            mf::resolution_decided.eq(counted.resolution_decided),
            mf::resolution_met.eq(counted.resolution_met),
            mf::rating_sum.eq(counted.rating_sum),
            mf::rating_count.eq(counted.rating_count),
            mf::response_known.eq(keys.response.is_some()),
            mf::response_key.eq(keys.response.unwrap_or(0)),
            mf::resolution_known.eq(keys.resolution.is_some()),
            mf::resolution_key.eq(keys.resolution.unwrap_or(0)),
            mf::satisfaction_known.eq(keys.satisfaction.is_some()),
            mf::satisfaction_key.eq(keys.satisfaction.unwrap_or(0)),
            mf::refreshed_at.eq(to_db(at)),
        ))
        .execute(conn)
        .map(drop)
}

/// A timeline event's id, its merchant and when it happened.
pub type EventMark = (i64, i64, NaiveDateTime);

/// Up to `limit` events after id `after`, by id: a range of the primary key.
pub fn events_after(conn: &mut DbConnection, after: i64, limit: i64) -> QueryResult<Vec<EventMark>> {
    complaint_events::table
        .filter(complaint_events::id.gt(after))
        .order(complaint_events::id)
        .select((complaint_events::id, complaint_events::merchant_id, complaint_events::at))
        .limit(limit)
        .load(conn)
}

pub fn position(conn: &mut DbConnection, name: &str) -> QueryResult<Option<i64>> {
    job_positions::table.find(name).select(job_positions::position).first(conn).optional()
}

pub fn set_position(conn: &mut DbConnection, name: &str, position: i64) -> QueryResult<()> {
    let n = diesel::update(job_positions::table.find(name)).set(job_positions::position.eq(position)).execute(conn)?;
    if n == 0 {
        diesel::insert_into(job_positions::table)
            .values((job_positions::name.eq(name), job_positions::position.eq(position)))
            .execute(conn)?;
    }
    Ok(())
}

/// Which merchants a page lists: those whose folded name contains
/// `name_contains` (a LIKE pattern, escaped with `\`), or the one merchant
/// `merchant`; all when both are `None`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub name_contains: Option<String>,
    pub merchant: Option<i64>,
}

/// A row of the list: the merchant, its supervision status (as the
/// scorecard says it, read now) and its counts as last counted.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub merchant_id: i64,
    pub name: String,
    pub supervision: Supervision,
    pub counted: Counted,
}

type Boxed<'a> = mf::BoxedQuery<'a, super::MultiBackend>;

fn filtered(filter: &Filter) -> Boxed<'_> {
    let mut q = mf::table.into_boxed();
    match (&filter.name_contains, filter.merchant) {
        (Some(like), Some(id)) => q = q.filter(mf::name_key.like(like).escape('\\').or(mf::merchant_id.eq(id))),
        (Some(like), None) => q = q.filter(mf::name_key.like(like).escape('\\')),
        (None, Some(id)) => q = q.filter(mf::merchant_id.eq(id)),
        (None, None) => {}
    }
    q
}

pub fn count(conn: &mut DbConnection, filter: &Filter) -> QueryResult<i64> {
    filtered(filter).count().get_result(conn)
}

/// `limit` rows from `offset` in `order`: walks the order's own index.
pub fn page(
    conn: &mut DbConnection,
    filter: &Filter,
    order: Order,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Listed>> {
    // Known figures first in both directions, ties by name then id.
    macro_rules! by_figure {
        ($q:expr, $known:expr, $key:expr) => {
            match order.dir {
                Dir::Asc => $q.order(($known.desc(), $key.asc(), mf::name.asc(), mf::merchant_id.asc())),
                Dir::Desc => $q.order(($known.desc(), $key.desc(), mf::name.asc(), mf::merchant_id.asc())),
            }
        };
    }
    let q = filtered(filter);
    let q = match (order.key, order.dir) {
        (SortKey::Name, Dir::Asc) => q.order((mf::name.asc(), mf::merchant_id.asc())),
        (SortKey::Name, Dir::Desc) => q.order((mf::name.desc(), mf::merchant_id.desc())),
        (SortKey::Complaints, Dir::Asc) => q.order((mf::received_30.asc(), mf::name.asc(), mf::merchant_id.asc())),
        (SortKey::Complaints, Dir::Desc) => q.order((mf::received_30.desc(), mf::name.asc(), mf::merchant_id.asc())),
        (SortKey::Response, _) => by_figure!(q, mf::response_known, mf::response_key),
        (SortKey::Resolution, _) => by_figure!(q, mf::resolution_known, mf::resolution_key),
        (SortKey::Satisfaction, _) => by_figure!(q, mf::satisfaction_known, mf::satisfaction_key),
    };
    let ids: Vec<i64> = q.select(mf::merchant_id).offset(offset).limit(limit).load(conn)?;
    // The page's rows, with their merchants' status, by primary key.
    let mut rows: Vec<Listed> = mf::table
        .inner_join(merchants::table)
        .filter(mf::merchant_id.eq_any(&ids))
        .select((mf::merchant_id, mf::name, merchants::supervision, Counted::as_select()))
        .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.merchant_id));
    Ok(rows)
}

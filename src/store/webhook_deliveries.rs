//! The webhook outbox: one row per endpoint and event, written in the
//! event's transaction, sent later by the webhook dispatcher. `(endpoint,
//! event)` is unique, so one event is never queued twice for an endpoint.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::webhook_deliveries as deliveries;
use super::{DbConnection, to_db};
use crate::domain::webhook::DeliveryState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: String,
    pub event_type: String,
    /// The JSON body, exactly as it is sent and signed.
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

pub struct NewDelivery<'a> {
    pub endpoint_id: i64,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub payload: &'a str,
}

/// Queues `d` unless its endpoint has that event already; returns whether
/// it queued. Call inside the transaction of the event.
pub fn enqueue(conn: &mut DbConnection, d: &NewDelivery<'_>, now: DateTime<Utc>) -> QueryResult<bool> {
    let there =
        deliveries::table.filter(deliveries::endpoint_id.eq(d.endpoint_id)).filter(deliveries::event_id.eq(d.event_id));
    if crate::on_backend!(conn, |c| diesel::select(diesel::dsl::exists(there)).get_result::<bool>(c))? {
        return Ok(false);
    }
    let insert = diesel::insert_into(deliveries::table).values((
        deliveries::endpoint_id.eq(d.endpoint_id),
        deliveries::event_id.eq(d.event_id),
        deliveries::event_type.eq(d.event_type),
        deliveries::payload.eq(d.payload),
        deliveries::state.eq(DeliveryState::Pending),
        deliveries::attempts.eq(0),
        deliveries::next_attempt_at.eq(to_db(now)),
        deliveries::created_at.eq(to_db(now)),
    ));
    crate::on_backend!(conn, |c| insert.execute(c))?;
    Ok(true)
}

/// Due: pending and its time has come, or claimed by a dispatcher whose
/// lease ran out (it died mid-send).
type Claimable = Box<
    dyn BoxableExpression<
            deliveries::table,
            super::MultiBackend,
            SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
        >,
>;

fn claimable(now: NaiveDateTime) -> Claimable {
    Box::new(
        deliveries::state
            .eq(DeliveryState::Pending)
            .and(deliveries::next_attempt_at.le(now))
            .or(deliveries::state.eq(DeliveryState::Sending).and(deliveries::claimed_until.lt(now))),
    )
}

/// Whether any delivery is due: read before the claim takes the write
/// lock, so that an idle dispatcher writes nothing.
pub fn any_due(conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<bool> {
    let first: Option<i64> =
        deliveries::table.filter(claimable(to_db(now))).select(deliveries::id).first(conn).optional()?;
    Ok(first.is_some())
}

/// Claims up to `limit` due deliveries for `lease`, each counted as an
/// attempt: on SQLite each by one `UPDATE … WHERE` it still matches, on
/// PostgreSQL the rows no other dispatcher holds (`FOR UPDATE SKIP
/// LOCKED`, so run it in a transaction). Of two dispatchers, one gets a row.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<DeliveryRow>> {
    let (now_db, until) = (to_db(now), to_db(now + lease));
    let set = (
        deliveries::state.eq(DeliveryState::Sending),
        deliveries::claimed_until.eq(until),
        deliveries::attempts.eq(deliveries::attempts + 1),
        deliveries::last_attempt_at.eq(now_db),
    );
    if let DbConnection::Pg(pg) = conn {
        let ids: Vec<i64> = deliveries::table
            .filter(
                deliveries::state
                    .eq(DeliveryState::Pending)
                    .and(deliveries::next_attempt_at.le(now_db))
                    .or(deliveries::state.eq(DeliveryState::Sending).and(deliveries::claimed_until.lt(now_db))),
            )
            .order(deliveries::next_attempt_at)
            .select(deliveries::id)
            .limit(limit)
            .for_update()
            .skip_locked()
            .load(pg)?;
        return diesel::update(deliveries::table.filter(deliveries::id.eq_any(&ids)))
            .set(set)
            .returning(DeliveryRow::as_returning())
            .get_results(pg);
    }
    let ids: Vec<i64> = deliveries::table
        .filter(claimable(now_db))
        .order(deliveries::next_attempt_at)
        .select(deliveries::id)
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let n = diesel::update(deliveries::table.find(id).filter(claimable(now_db))).set(set).execute(conn)?;
        if n == 1 {
            claimed.push(deliveries::table.find(id).select(DeliveryRow::as_select()).first(conn)?);
        }
    }
    Ok(claimed)
}

/// Answered with a 2xx. Only a delivery still claimed is marked, so one
/// deleted with its endpoint meanwhile stays deleted.
pub fn mark_delivered(conn: &mut DbConnection, id: i64, status: u16, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(deliveries::table.find(id).filter(deliveries::state.eq(DeliveryState::Sending)))
        .set((
            deliveries::state.eq(DeliveryState::Delivered),
            deliveries::delivered_at.eq(to_db(now)),
            deliveries::last_status_code.eq(i32::from(status)),
            deliveries::last_error.eq(None::<String>),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// A claimed delivery not sent after all (its endpoint was turned off
/// meanwhile): paused, its attempt not counted.
pub fn release_paused(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(deliveries::table.find(id).filter(deliveries::state.eq(DeliveryState::Sending)))
        .set((
            deliveries::state.eq(DeliveryState::Paused),
            deliveries::attempts.eq(deliveries::attempts - 1),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// What one failed attempt leaves.
pub struct Failure<'a> {
    /// The answer's status, when there was one.
    pub status: Option<u16>,
    pub error: &'a str,
    /// When to try again; `None`: given up ([`DeliveryState::Dead`]).
    pub retry_at: Option<DateTime<Utc>>,
}

pub fn mark_failed(conn: &mut DbConnection, id: i64, f: &Failure<'_>) -> QueryResult<()> {
    let state = if f.retry_at.is_some() { DeliveryState::Pending } else { DeliveryState::Dead };
    let claimed = deliveries::table.find(id).filter(deliveries::state.eq(DeliveryState::Sending));
    diesel::update(claimed)
        .set((
            deliveries::state.eq(state),
            deliveries::last_status_code.eq(f.status.map(i32::from)),
            deliveries::last_error.eq(f.error),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    if let Some(at) = f.retry_at {
        diesel::update(deliveries::table.find(id)).set(deliveries::next_attempt_at.eq(to_db(at))).execute(conn)?;
    }
    Ok(())
}

/// The endpoint's latest deliveries, newest first.
pub fn recent(conn: &mut DbConnection, endpoint_id: i64, limit: i64) -> QueryResult<Vec<DeliveryRow>> {
    deliveries::table
        .filter(deliveries::endpoint_id.eq(endpoint_id))
        .order(deliveries::id.desc())
        .select(DeliveryRow::as_select())
        .limit(limit)
        .load(conn)
}

/// Deliveries in `state`, newest first, with their endpoint's merchant
/// and URL: the supervisors' view of what was given up.
pub fn in_state(
    conn: &mut DbConnection,
    state: DeliveryState,
    limit: i64,
) -> QueryResult<Vec<(DeliveryRow, i64, String)>> {
    use super::schema::webhook_endpoints as endpoints;
    deliveries::table
        .inner_join(endpoints::table)
        .filter(deliveries::state.eq(state))
        .order(deliveries::id.desc())
        .select((DeliveryRow::as_select(), endpoints::merchant_id, endpoints::url))
        .limit(limit)
        .load(conn)
}

/// Deletes the deliveries delivered before `cutoff`; how many.
pub fn prune_delivered(conn: &mut DbConnection, cutoff: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(deliveries::table.filter(deliveries::delivered_at.lt(to_db(cutoff)))).execute(conn)
}

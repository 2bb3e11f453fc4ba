//! A merchant's webhook endpoints. Every query a page or a form makes
//! names the merchant: an endpoint is only ever found through its own
//! merchant. The dispatcher's (`find_any`, the failure streak) do not.
//! The deliveries are `webhook_deliveries`'.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{webhook_deliveries, webhook_endpoints};
use super::{DbConnection, to_db};
use crate::domain::webhook::{DeliveryState, Disabled};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: i64,
    pub merchant_id: i64,
    pub url: String,
    /// Event names one space apart (`domain::webhook::events_text`).
    pub events: String,
    /// The secret, sealed (`service::webhooks`).
    pub secret_sealed: String,
    pub active: bool,
    pub disabled_at: Option<NaiveDateTime>,
    pub disabled_reason: Option<Disabled>,
    /// The first failure since the last success, while it keeps failing.
    pub failing_since: Option<NaiveDateTime>,
    pub last_success_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// The merchant's endpoints, oldest first.
pub fn of_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::merchant_id.eq(merchant_id))
        .order(webhook_endpoints::id)
        .select(EndpointRow::as_select())
        .load(conn)
}

/// The merchant's endpoint `id`; another merchant's is not found.
pub fn find(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<Option<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .filter(webhook_endpoints::merchant_id.eq(merchant_id))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()
}

/// Endpoint `id`, whoever's: for the dispatcher, which sends what was
/// queued for it.
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<Option<EndpointRow>> {
    webhook_endpoints::table.find(id).select(EndpointRow::as_select()).first(conn).optional()
}

pub fn count(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<i64> {
    webhook_endpoints::table.filter(webhook_endpoints::merchant_id.eq(merchant_id)).count().get_result(conn)
}

/// The merchant's active endpoints, (id, events): what every event looks
/// up, on intake's path too, so one probe of `webhook_endpoints_merchant`
/// kept prepared on the backend's own connection.
pub fn active_for(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<(i64, String)>> {
    let query = webhook_endpoints::table
        .filter(webhook_endpoints::merchant_id.eq(merchant_id))
        .filter(webhook_endpoints::active.eq(true))
        .select((webhook_endpoints::id, webhook_endpoints::events));
    crate::on_backend!(conn, |c| query.load(c))
}

/// A new endpoint, active, its secret sealed by the caller once its id is
/// known (`set_secret`, in the same transaction).
pub fn insert(
    conn: &mut DbConnection,
    merchant_id: i64,
    by: i64,
    url: &str,
    events: &str,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::merchant_id.eq(merchant_id),
            webhook_endpoints::url.eq(url),
            webhook_endpoints::events.eq(events),
            webhook_endpoints::secret_sealed.eq(""),
            webhook_endpoints::active.eq(true),
            webhook_endpoints::created_by.eq(by),
            webhook_endpoints::created_at.eq(to_db(now)),
            webhook_endpoints::updated_at.eq(to_db(now)),
        ))
        .returning(webhook_endpoints::id)
        .get_result(conn)
}

fn mine(merchant_id: i64, id: i64) -> webhook_endpoints::BoxedQuery<'static, super::MultiBackend> {
    webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .filter(webhook_endpoints::merchant_id.eq(merchant_id))
        .into_boxed()
}

fn ids_of(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<Vec<i64>> {
    mine(merchant_id, id).select(webhook_endpoints::id).load(conn)
}

/// Replaces the merchant's endpoint's sealed secret; whether there was one.
pub fn set_secret(
    conn: &mut DbConnection,
    merchant_id: i64,
    id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let target = ids_of(conn, merchant_id, id)?;
    let n = diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq_any(target)))
        .set((webhook_endpoints::secret_sealed.eq(sealed), webhook_endpoints::updated_at.eq(to_db(now))))
        .execute(conn)?;
    Ok(n == 1)
}

/// Rewrites the merchant's endpoint's URL and events; whether there was one.
pub fn update(
    conn: &mut DbConnection,
    merchant_id: i64,
    id: i64,
    url: &str,
    events: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let target = ids_of(conn, merchant_id, id)?;
    let n = diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq_any(target)))
        .set((
            webhook_endpoints::url.eq(url),
            webhook_endpoints::events.eq(events),
            webhook_endpoints::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Turns the merchant's endpoint off (`Some(why)`) or on again (`None`,
/// its failure streak forgotten); whether it changed.
pub fn set_disabled(
    conn: &mut DbConnection,
    merchant_id: i64,
    id: i64,
    why: Option<Disabled>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let target =
        mine(merchant_id, id).filter(webhook_endpoints::active.eq(why.is_some())).select(webhook_endpoints::id);
    let target: Vec<i64> = target.load(conn)?;
    let n = diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq_any(target)))
        .set((
            webhook_endpoints::active.eq(why.is_none()),
            webhook_endpoints::disabled_reason.eq(why),
            webhook_endpoints::disabled_at.eq(why.map(|_| to_db(now))),
            webhook_endpoints::failing_since.eq(None::<NaiveDateTime>),
            webhook_endpoints::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Deletes the merchant's endpoint and its deliveries; whether there was one.
pub fn delete(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<bool> {
    let target = ids_of(conn, merchant_id, id)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq_any(&target))).execute(conn)?;
    let n = diesel::delete(webhook_endpoints::table.filter(webhook_endpoints::id.eq_any(&target))).execute(conn)?;
    Ok(n == 1)
}

/// A delivery answered: the endpoint's failure streak is over.
pub fn succeeded(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::failing_since.eq(None::<NaiveDateTime>),
            webhook_endpoints::last_success_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// A delivery failed at `now`: the streak starts now unless it is under
/// way. Returns when it started.
pub fn failed(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<NaiveDateTime> {
    let unset = webhook_endpoints::id.eq(id).and(webhook_endpoints::failing_since.is_null());
    diesel::update(webhook_endpoints::table.filter(unset))
        .set(webhook_endpoints::failing_since.eq(to_db(now)))
        .execute(conn)?;
    let since: Option<NaiveDateTime> =
        webhook_endpoints::table.find(id).select(webhook_endpoints::failing_since).first(conn)?;
    Ok(since.unwrap_or(to_db(now)))
}

/// Turns off an endpoint that keeps failing; false when it was off already
/// (another dispatcher got there first).
pub fn disable_failing(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let on = webhook_endpoints::id.eq(id).and(webhook_endpoints::active.eq(true));
    let n = diesel::update(webhook_endpoints::table.filter(on))
        .set((
            webhook_endpoints::active.eq(false),
            webhook_endpoints::disabled_reason.eq(Some(Disabled::Failing)),
            webhook_endpoints::disabled_at.eq(Some(to_db(now))),
            webhook_endpoints::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// An endpoint's deliveries still to send wait while it is off
/// ([`DeliveryState::Paused`]), or go again once it is back on.
pub fn pause_deliveries(
    conn: &mut DbConnection,
    endpoint_id: i64,
    paused: bool,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let (from, to) = if paused {
        (DeliveryState::Pending, DeliveryState::Paused)
    } else {
        (DeliveryState::Paused, DeliveryState::Pending)
    };
    let rows = webhook_deliveries::endpoint_id.eq(endpoint_id).and(webhook_deliveries::state.eq(from));
    if paused {
        return diesel::update(webhook_deliveries::table.filter(rows))
            .set(webhook_deliveries::state.eq(to))
            .execute(conn);
    }
    // Back on: from the first try again, now.
    diesel::update(webhook_deliveries::table.filter(rows))
        .set((
            webhook_deliveries::state.eq(to),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(to_db(now)),
        ))
        .execute(conn)
}

//! A merchant's live rooms, hosts, products and live sessions. Each is
//! found *through* its merchant (`room_of(conn, merchant, id)`), so one of
//! another merchant's is none, as if it did not exist; supervisors, who
//! see every merchant's, use `find_*`.

pub mod counts;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{hosts, live_rooms, live_sessions, products, session_products};
use super::{DbConnection, to_db};
use crate::domain::live::{HostKind, HostStatus, Platform, ProductCategory, Review, RoomStatus, Target};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = live_rooms)]
pub struct RoomRow {
    pub id: i64,
    pub merchant_id: i64,
    pub platform: Platform,
    pub name: String,
    pub room_ref: String,
    pub status: RoomStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = hosts)]
pub struct HostRow {
    pub id: i64,
    pub merchant_id: i64,
    pub display_name: String,
    pub real_name: String,
    pub kind: HostKind,
    pub agency: Option<String>,
    pub medical_staff: bool,
    pub status: HostStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products)]
pub struct ProductRow {
    pub id: i64,
    pub merchant_id: i64,
    pub name: String,
    pub category: ProductCategory,
    pub claims: String,
    pub licence: Option<String>,
    pub review: Review,
    pub review_reason: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub reviewed_by: Option<i64>,
    pub submitted_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = live_sessions)]
pub struct SessionRow {
    pub id: i64,
    pub merchant_id: i64,
    pub room_id: i64,
    pub host_id: i64,
    pub started_at: NaiveDateTime,
    pub ended_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A room as registered.
pub struct NewRoom<'a> {
    pub platform: Platform,
    pub name: &'a str,
    pub room_ref: &'a str,
}

pub struct NewHost<'a> {
    pub display_name: &'a str,
    pub real_name: &'a str,
    pub kind: HostKind,
    pub agency: Option<&'a str>,
    pub medical_staff: bool,
}

pub struct NewProduct<'a> {
    pub name: &'a str,
    pub category: ProductCategory,
    pub claims: &'a str,
    pub licence: Option<&'a str>,
}

pub struct NewSession<'a> {
    pub room_id: i64,
    pub host_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub products: &'a [i64],
}

pub fn insert_room(conn: &mut DbConnection, merchant_id: i64, r: &NewRoom, now: DateTime<Utc>) -> QueryResult<i64> {
    diesel::insert_into(live_rooms::table)
        .values((
            live_rooms::merchant_id.eq(merchant_id),
            live_rooms::platform.eq(r.platform),
            live_rooms::name.eq(r.name),
            live_rooms::room_ref.eq(r.room_ref),
            live_rooms::status.eq(RoomStatus::Active),
            live_rooms::created_at.eq(to_db(now)),
        ))
        .returning(live_rooms::id)
        .get_result(conn)
}

pub fn insert_host(conn: &mut DbConnection, merchant_id: i64, h: &NewHost, now: DateTime<Utc>) -> QueryResult<i64> {
    diesel::insert_into(hosts::table)
        .values((
            hosts::merchant_id.eq(merchant_id),
            hosts::display_name.eq(h.display_name),
            hosts::real_name.eq(h.real_name),
            hosts::kind.eq(h.kind),
            hosts::agency.eq(h.agency),
            hosts::medical_staff.eq(h.medical_staff),
            hosts::status.eq(HostStatus::Active),
            hosts::created_at.eq(to_db(now)),
        ))
        .returning(hosts::id)
        .get_result(conn)
}

/// A new product waits for review (`pending`).
pub fn insert_product(
    conn: &mut DbConnection,
    merchant_id: i64,
    p: &NewProduct,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(products::table)
        .values((
            products::merchant_id.eq(merchant_id),
            products::name.eq(p.name),
            products::category.eq(p.category),
            products::claims.eq(p.claims),
            products::licence.eq(p.licence),
            products::review.eq(Review::Pending),
            products::submitted_at.eq(to_db(now)),
        ))
        .returning(products::id)
        .get_result(conn)
}

/// The session and the products it features, in one transaction of the
/// caller's.
pub fn insert_session(
    conn: &mut DbConnection,
    merchant_id: i64,
    s: &NewSession,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    let id = diesel::insert_into(live_sessions::table)
        .values((
            live_sessions::merchant_id.eq(merchant_id),
            live_sessions::room_id.eq(s.room_id),
            live_sessions::host_id.eq(s.host_id),
            live_sessions::started_at.eq(to_db(s.started_at)),
            live_sessions::ended_at.eq(to_db(s.ended_at)),
            live_sessions::created_at.eq(to_db(now)),
        ))
        .returning(live_sessions::id)
        .get_result(conn)?;
    // One row at a time: multi-row inserts do not compile through the
    // MultiConnection, and a session features a handful.
    for p in s.products {
        diesel::insert_into(session_products::table)
            .values((session_products::session_id.eq(id), session_products::product_id.eq(p)))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn find_room(conn: &mut DbConnection, id: i64) -> QueryResult<Option<RoomRow>> {
    live_rooms::table.find(id).select(RoomRow::as_select()).first(conn).optional()
}

pub fn find_host(conn: &mut DbConnection, id: i64) -> QueryResult<Option<HostRow>> {
    hosts::table.find(id).select(HostRow::as_select()).first(conn).optional()
}

pub fn find_product(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ProductRow>> {
    products::table.find(id).select(ProductRow::as_select()).first(conn).optional()
}

pub fn find_session(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SessionRow>> {
    live_sessions::table.find(id).select(SessionRow::as_select()).first(conn).optional()
}

/// The merchant's room `id`; another merchant's is none.
pub fn room_of(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<Option<RoomRow>> {
    Ok(find_room(conn, id)?.filter(|r| r.merchant_id == merchant_id))
}

pub fn host_of(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<Option<HostRow>> {
    Ok(find_host(conn, id)?.filter(|r| r.merchant_id == merchant_id))
}

pub fn product_of(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<Option<ProductRow>> {
    Ok(find_product(conn, id)?.filter(|r| r.merchant_id == merchant_id))
}

pub fn session_of(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<Option<SessionRow>> {
    Ok(find_session(conn, id)?.filter(|r| r.merchant_id == merchant_id))
}

/// A merchant's rooms, newest first.
pub fn rooms(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<RoomRow>> {
    live_rooms::table
        .filter(live_rooms::merchant_id.eq(merchant_id))
        .select(RoomRow::as_select())
        .order(live_rooms::id.desc())
        .load(conn)
}

pub fn hosts(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<HostRow>> {
    hosts::table
        .filter(hosts::merchant_id.eq(merchant_id))
        .select(HostRow::as_select())
        .order(hosts::id.desc())
        .load(conn)
}

pub fn products(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<ProductRow>> {
    products::table
        .filter(products::merchant_id.eq(merchant_id))
        .select(ProductRow::as_select())
        .order(products::id.desc())
        .load(conn)
}

/// A merchant's products the public may see (approved, or delisted since),
/// newest first: a range of `products_merchant`.
pub fn public_products(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<ProductRow>> {
    products::table
        .filter(products::merchant_id.eq(merchant_id))
        .filter(products::review.eq_any(Review::PUBLIC))
        .select(ProductRow::as_select())
        .order(products::id.desc())
        .load(conn)
}

/// A merchant's sessions, latest start first.
pub fn sessions(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<SessionRow>> {
    live_sessions::table
        .filter(live_sessions::merchant_id.eq(merchant_id))
        .select(SessionRow::as_select())
        .order(live_sessions::started_at.desc())
        .load(conn)
}

/// A merchant's sessions that started at or after `since`, latest first:
/// a range of `live_sessions_merchant`.
pub fn sessions_since(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<Vec<SessionRow>> {
    live_sessions::table
        .filter(live_sessions::merchant_id.eq(merchant_id))
        .filter(live_sessions::started_at.ge(to_db(since)))
        .select(SessionRow::as_select())
        .order(live_sessions::started_at.desc())
        .load(conn)
}

/// The products a session features.
pub fn session_products(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<ProductRow>> {
    session_products::table
        .inner_join(products::table)
        .filter(session_products::session_id.eq(session_id))
        .select(ProductRow::as_select())
        .order(products::id)
        .load(conn)
}

pub fn set_room_status(conn: &mut DbConnection, id: i64, status: RoomStatus) -> QueryResult<usize> {
    diesel::update(live_rooms::table.find(id)).set(live_rooms::status.eq(status)).execute(conn)
}

pub fn set_host_status(conn: &mut DbConnection, id: i64, status: HostStatus) -> QueryResult<usize> {
    diesel::update(hosts::table.find(id)).set(hosts::status.eq(status)).execute(conn)
}

/// Records a review decision (or a delisting, or a restoring) on the
/// product, with its reason.
pub fn set_review(
    conn: &mut DbConnection,
    id: i64,
    review: Review,
    reason: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(products::table.find(id))
        .set((
            products::review.eq(review),
            products::review_reason.eq(reason),
            products::reviewed_at.eq(to_db(now)),
            products::reviewed_by.eq(by),
        ))
        .execute(conn)
}

/// Names `product` and `session` (with the session's room and host) on a
/// complaint already stored: for data brought in from elsewhere, such as
/// the demo's, whose complaints the form did not file.
pub fn name_on_complaint(
    conn: &mut DbConnection,
    complaint_id: i64,
    product: Option<i64>,
    session: Option<i64>,
) -> QueryResult<usize> {
    use super::schema::complaints;
    let s = match session {
        Some(id) => find_session(conn, id)?,
        None => None,
    };
    diesel::update(complaints::table.find(complaint_id))
        .set((
            complaints::product_id.eq(product),
            complaints::live_session_id.eq(s.as_ref().map(|s| s.id)),
            complaints::room_id.eq(s.as_ref().map(|s| s.room_id)),
            complaints::host_id.eq(s.as_ref().map(|s| s.host_id)),
        ))
        .execute(conn)
}

/// The review queue: products waiting, oldest first, with their
/// merchant's name and supervision status; a range of `products_review`.
pub fn pending_products(
    conn: &mut DbConnection,
    limit: i64,
) -> QueryResult<Vec<(ProductRow, String, crate::domain::offender::Supervision)>> {
    use super::schema::merchants;
    products::table
        .inner_join(merchants::table)
        .filter(products::review.eq(Review::Pending))
        .order((products::submitted_at, products::id))
        .select((ProductRow::as_select(), merchants::name, merchants::supervision))
        .limit(limit)
        .load(conn)
}

/// What a complaint names of its merchant's live commerce.
#[derive(Debug, Default)]
pub struct Named {
    pub product: Option<ProductRow>,
    pub session: Option<SessionRow>,
    pub room: Option<RoomRow>,
    pub host: Option<HostRow>,
}

/// Loads what `c` names: one lookup by id for each thing it names, none
/// for a complaint that names nothing.
pub fn named(conn: &mut DbConnection, c: &super::complaints::Complaint) -> QueryResult<Named> {
    Ok(Named {
        product: c.product_id.map(|id| find_product(conn, id)).transpose()?.flatten(),
        session: c.live_session_id.map(|id| find_session(conn, id)).transpose()?.flatten(),
        room: c.room_id.map(|id| find_room(conn, id)).transpose()?.flatten(),
        host: c.host_id.map(|id| find_host(conn, id)).transpose()?.flatten(),
    })
}

/// The names of the things `actions` were taken on (a product's or room's
/// name, a host's display name), by target and id; one lookup for each
/// thing, none for actions on the merchant itself.
pub fn target_names(
    conn: &mut DbConnection,
    taken: &[super::actions::ActionRow],
) -> QueryResult<std::collections::HashMap<(Target, i64), String>> {
    let mut names = std::collections::HashMap::new();
    for a in taken {
        let Some(id) = a.target_id else { continue };
        let target = a.kind.target();
        if names.contains_key(&(target, id)) {
            continue;
        }
        let name = match target {
            Target::Product => find_product(conn, id)?.map(|p| p.name),
            Target::Room => find_room(conn, id)?.map(|r| r.name),
            Target::Host => find_host(conn, id)?.map(|h| h.display_name),
            Target::Merchant => None,
        };
        if let Some(name) = name {
            names.insert((target, id), name);
        }
    }
    Ok(names)
}

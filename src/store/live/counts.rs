//! How many complaints name each of a merchant's products, live rooms,
//! hosts and live sessions since some time: one grouped count each, over
//! the partial indexes `complaints_{product,room,host,session}_submitted`
//! (what is named, then when), for the ids of the merchant's own (a range
//! of `products_merchant`, `live_rooms_merchant` …). Neither reads a
//! complaint row, and neither costs more with the complaints of others.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::super::schema::{complaints, hosts, live_rooms, live_sessions, products};
use super::super::{DbConnection, to_db};

/// `SELECT named, COUNT(*) FROM complaints WHERE named IS NOT NULL AND
/// named IN (SELECT id FROM owner WHERE merchant_id = ?) AND submitted_at
/// >= ? GROUP BY named`. (`IS NOT NULL` lets SQLite use the partial index.)
macro_rules! named_counts {
    ($(#[$doc:meta])* $name:ident, $named:path, $owner:ident) => {
        $(#[$doc])*
        pub fn $name(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<HashMap<i64, i64>> {
            let mine = $owner::table.filter($owner::merchant_id.eq(merchant_id)).select($owner::id.nullable());
            let rows: Vec<(Option<i64>, i64)> = complaints::table
                .filter($named.is_not_null())
                .filter($named.eq_any(mine))
                .filter(complaints::submitted_at.ge(to_db(since)))
                .group_by($named)
                .select(($named, diesel::dsl::count_star()))
                .load(conn)?;
            Ok(rows.into_iter().filter_map(|(id, n)| Some((id?, n))).collect())
        }
    };
}

named_counts! {
    /// Product id → complaints naming it since `since`, for the merchant's
    /// products that have any.
    by_product, complaints::product_id, products
}

named_counts! {
    /// Room id → complaints since `since` about a session in it.
    by_room, complaints::room_id, live_rooms
}

named_counts! {
    /// Host id → complaints since `since` about a session they hosted.
    by_host, complaints::host_id, hosts
}

named_counts! {
    /// Live session id → complaints since `since` naming it.
    by_session, complaints::live_session_id, live_sessions
}

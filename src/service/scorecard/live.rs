//! The live-commerce part of a merchant's public record: its live rooms,
//! hosts and the products it sold, each with the complaints naming it in
//! the last year and any measure in force on it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::live::{HostStatus, Target};
use crate::store::DbConnection;
use crate::store::actions::ActionRow;
use crate::store::live::{self, ProductRow, RoomRow, counts};

/// One room, host or product as the public sees it.
pub struct Listed<T> {
    pub item: T,
    /// Complaints naming it since the window's start.
    pub complaints: i64,
    /// Measures in force on it (not ended, not reversed), newest first.
    pub measures: Vec<ActionRow>,
}

/// A host as the public sees it: the name used on stream. The real name
/// is dropped as the row is read, so no page can show it by mistake.
pub struct PublicHost {
    pub id: i64,
    pub display_name: String,
    pub status: HostStatus,
}

pub struct LiveRecord {
    pub rooms: Vec<Listed<RoomRow>>,
    pub hosts: Vec<Listed<PublicHost>>,
    /// Approved or delisted only: what waits for review or was refused
    /// was never sold.
    pub products: Vec<Listed<ProductRow>>,
}

/// A measure that applies to `target` `id` now.
fn in_force(actions: &[ActionRow], target: Target, id: i64) -> Vec<ActionRow> {
    actions
        .iter()
        .filter(|a| a.target == target && a.target_id == Some(id))
        .filter(|a| a.ended_at.is_none() && !a.reversed && a.kind.is_ongoing())
        .cloned()
        .collect()
}

/// The merchant's rooms, hosts and public products with the complaints of
/// each since `since`. `actions` are the merchant's (every target), read
/// once by the caller. A kind of thing the merchant has none of costs one
/// query and no count.
pub fn record(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: DateTime<Utc>,
    actions: &[ActionRow],
) -> diesel::QueryResult<LiveRecord> {
    let rooms = live::rooms(conn, merchant_id)?;
    let room_counts = if rooms.is_empty() { HashMap::new() } else { counts::by_room(conn, merchant_id, since)? };
    let hosts = live::hosts(conn, merchant_id)?;
    let host_counts = if hosts.is_empty() { HashMap::new() } else { counts::by_host(conn, merchant_id, since)? };
    let products = live::public_products(conn, merchant_id)?;
    let product_counts =
        if products.is_empty() { HashMap::new() } else { counts::by_product(conn, merchant_id, since)? };
    Ok(LiveRecord {
        rooms: rooms
            .into_iter()
            .map(|r| Listed {
                complaints: room_counts.get(&r.id).copied().unwrap_or(0),
                measures: in_force(actions, Target::Room, r.id),
                item: r,
            })
            .collect(),
        hosts: hosts
            .into_iter()
            .map(|h| Listed {
                complaints: host_counts.get(&h.id).copied().unwrap_or(0),
                measures: in_force(actions, Target::Host, h.id),
                item: PublicHost { id: h.id, display_name: h.display_name, status: h.status },
            })
            .collect(),
        products: products
            .into_iter()
            .map(|p| Listed {
                complaints: product_counts.get(&p.id).copied().unwrap_or(0),
                measures: in_force(actions, Target::Product, p.id),
                item: p,
            })
            .collect(),
    })
}

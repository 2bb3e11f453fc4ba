//! Read receipts: the first time the merchant's staff open a complaint,
//! its timeline says so, once, for everyone (the consumer included).

use chrono::{DateTime, Utc};

use crate::domain::event::{Actor, EventKind, Visibility};
use crate::store::DbConnection;
use crate::store::complaints::{self as store, Complaint, NewEvent};

/// Staff member `user_id` of `c`'s merchant opened it at `now`: records
/// the time and the timeline's entry, in one short transaction, if nobody
/// had before. Safe to run from two requests at once: the row's own
/// `merchant_viewed_at IS NULL` decides which one records it (on
/// PostgreSQL the second update waits for the first and then finds the
/// time set). Returns whether this was the first time.
pub fn merchant_opened(
    conn: &mut DbConnection,
    c: &Complaint,
    user_id: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    if c.merchant_viewed_at.is_some() {
        return Ok(false);
    }
    conn.write(|conn| {
        if !store::merchant_viewed(conn, c.id, now)? {
            return Ok(false);
        }
        store::append_event(
            conn,
            NewEvent {
                complaint_id: c.id,
                merchant_id: c.merchant_id,
                at: now,
                actor: Actor::Merchant,
                actor_id: Some(user_id),
                kind: EventKind::MerchantViewed,
                visibility: Visibility::Public,
                body: None,
                data: None,
            },
        )?;
        Ok(true)
    })
}

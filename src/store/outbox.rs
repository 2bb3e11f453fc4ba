//! The mail outbox: rows written in the same transaction as the event that
//! causes them, sent later by the dispatcher. `dedupe_key` is unique, so a
//! retried event never queues the same notice twice.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::outbox;
use super::{DbConnection, to_db};

crate::slug_enum! {
    pub enum MailKind {
        /// To the consumer: reference, deadlines and the tracking link.
        Receipt => "receipt",
        /// To the consumer, on request from the tracking page.
        TrackingLink => "tracking_link",
        /// To the merchant: a new complaint with its deadlines.
        MerchantNewComplaint => "merchant_new_complaint",
    }
}

pub struct Enqueue<'a> {
    pub kind: MailKind,
    pub dedupe_key: String,
    pub complaint_id: Option<i64>,
    pub recipient: &'a str,
    pub lang: &'a str,
}

/// Queues a notice unless one with the same key exists; returns whether it
/// queued. Call inside the transaction of the event.
pub fn enqueue(conn: &mut DbConnection, mail: Enqueue<'_>, now: DateTime<Utc>) -> QueryResult<bool> {
    let exists: bool =
        diesel::select(diesel::dsl::exists(outbox::table.filter(outbox::dedupe_key.eq(&mail.dedupe_key))))
            .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(outbox::table)
        .values((
            outbox::kind.eq(mail.kind.slug()),
            outbox::dedupe_key.eq(&mail.dedupe_key),
            outbox::complaint_id.eq(mail.complaint_id),
            outbox::recipient.eq(mail.recipient),
            outbox::lang.eq(mail.lang),
            outbox::state.eq("queued"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(to_db(now)),
            outbox::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Queued notices for a complaint, oldest first: (kind, recipient).
pub fn for_complaint(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Vec<(String, String)>> {
    outbox::table
        .filter(outbox::complaint_id.eq(complaint_id))
        .select((outbox::kind, outbox::recipient))
        .order(outbox::id)
        .load(conn)
}

//! How values sit in columns.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Timestamps are stored as UTC without a zone (portable `TIMESTAMP`).
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

//! What `/metrics` and `/healthz` report of the database: complaints by
//! state, breaches recorded, and the mail queue.

use chrono::{DateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::outbox::MailState;
use super::schema::{complaints, outbox};
use super::{DbConnection, from_db};
use crate::domain::state::State;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backlog {
    pub queued: i64,
    pub sending: i64,
    pub dead: i64,
    /// When the longest-waiting queued notice was due.
    pub oldest_due: Option<DateTime<Utc>>,
}

impl Backlog {
    /// Seconds the longest-waiting queued notice has been due; 0 for none.
    pub fn oldest_waiting(&self, now: DateTime<Utc>) -> i64 {
        self.oldest_due.map_or(0, |due| (now - due).num_seconds().max(0))
    }
}

/// The mail queue: counts over the `outbox_due` index, which grows with
/// what is waiting, not with what was sent.
pub fn backlog(conn: &mut DbConnection) -> QueryResult<Backlog> {
    let mut count = |state: MailState| -> QueryResult<i64> {
        outbox::table.filter(outbox::state.eq(state)).select(count_star()).get_result(conn)
    };
    let (queued, sending, dead) = (count(MailState::Queued)?, count(MailState::Sending)?, count(MailState::Dead)?);
    let oldest_due = outbox::table
        .filter(outbox::state.eq(MailState::Queued))
        .order(outbox::next_attempt_at)
        .select(outbox::next_attempt_at)
        .first(conn)
        .optional()?
        .map(from_db);
    Ok(Backlog { queued, sending, dead, oldest_due })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// (state, complaints in it), by slug.
    pub by_state: Vec<(State, i64)>,
    pub response_breaches: i64,
    pub resolution_breaches: i64,
}

/// Complaints by state and the breaches recorded so far.
pub fn totals(conn: &mut DbConnection) -> QueryResult<Totals> {
    let by_state = complaints::table
        .group_by(complaints::state)
        .select((complaints::state, count_star()))
        .order(complaints::state)
        .load(conn)?;
    let response_breaches = complaints::table
        .filter(complaints::response_breached_at.is_not_null())
        .select(count_star())
        .get_result(conn)?;
    let resolution_breaches = complaints::table
        .filter(complaints::resolution_breached_at.is_not_null())
        .select(count_star())
        .get_result(conn)?;
    Ok(Totals { by_state, response_breaches, resolution_breaches })
}

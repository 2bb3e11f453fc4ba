//! The register's search index (`register_terms`), kept by a job: each
//! case waiting to be indexed (new in the register, consent given again,
//! or its public texts grown) has its terms written from its scrubbed
//! texts (`domain::register::terms` of `scrub` of the description and the
//! consumer's and merchant's public replies and proposals), the old ones
//! deleted first, and is marked indexed, a batch a transaction. A case
//! without consent is marked indexed with no terms (consent given again
//! makes it wait again, `store::register::set_consent`).
//!
//! Safe with several instances: on PostgreSQL one run at a time (an
//! advisory lock); and each batch takes its cases by a conditional update
//! first (`published_index::claim`), so a case is indexed once and a
//! withdrawal that commits meanwhile is never undone.
//!
//! Public texts added later are found on the timeline after a position,
//! as the merchant list's rounds find changes; an entry is read once it
//! is [`SETTLE`] old (PostgreSQL gives ids before commits), and its case
//! is indexed again if it was indexed before the text could be seen.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use crate::domain::register::terms::terms;
use crate::store::merchant_figures::{position, set_position};
use crate::store::published_index::{self as store, Source};
use crate::store::{DbConnection, jobs, to_db};

/// Cases indexed in one transaction.
pub const BATCH: i64 = 200;
/// Timeline entries read per statement.
const EVENTS_AT_ONCE: i64 = 20_000;
/// Where the runs got to on the timeline.
const EVENTS: &str = "register_index.events";
/// A timeline entry this recent may have ids below it not yet committed.
pub const SETTLE: Duration = Duration::minutes(2);

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexReport {
    /// Cases whose terms were written.
    pub indexed: usize,
    /// Cases without consent taken off the waiting list.
    pub unconsented: usize,
    /// Indexed cases whose public texts grew, to be indexed again.
    pub grown: usize,
}

impl IndexReport {
    pub fn is_empty(&self) -> bool {
        *self == IndexReport::default()
    }
}

/// The terms of a case: of each of its texts, scrubbed.
pub fn terms_of(source: &Source) -> Vec<String> {
    let names = source.people.names();
    let scrub = |text: &str| crate::domain::register::scrub::scrub(text, &names);
    let mut out = terms(&scrub(&source.description));
    for t in &source.texts {
        if let Some(body) = t.body.as_deref() {
            out.extend(terms(&scrub(body)));
        }
    }
    out
}

/// Everything waiting, a batch at a time, while `go_on()` says so; `None`
/// when another process is running (PostgreSQL).
pub fn run(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    go_on: impl Fn() -> bool,
) -> diesel::QueryResult<Option<IndexReport>> {
    jobs::exclusive(conn, "register_index", |conn| {
        let mut report = IndexReport { grown: mark_grown(conn, now)?, ..IndexReport::default() };
        while go_on() {
            let (indexed, unconsented) = batch(conn, now)?;
            if indexed + unconsented == 0 {
                break;
            }
            report.indexed += indexed;
            report.unconsented += unconsented;
        }
        Ok(report)
    })
}

/// One batch: (indexed, unconsented taken off).
fn batch(conn: &mut DbConnection, now: DateTime<Utc>) -> diesel::QueryResult<(usize, usize)> {
    let waiting = store::unindexed(conn, BATCH)?;
    if waiting.is_empty() {
        return Ok((0, 0));
    }
    let (consented, unconsented): (Vec<_>, Vec<_>) = waiting.into_iter().partition(|(_, consent)| *consent);
    let consented: Vec<i64> = consented.into_iter().map(|(id, _)| id).collect();
    let unconsented: Vec<i64> = unconsented.into_iter().map(|(id, _)| id).collect();
    // Scrubbed and split outside the transaction, which only writes.
    let computed: BTreeMap<i64, Vec<String>> =
        store::sources(conn, &consented)?.iter().map(|s| (s.complaint_id, terms_of(s))).collect();
    conn.write(|c| {
        let off = store::claim(c, &unconsented, false, now)?.len();
        let taken = store::claim(c, &consented, true, now)?;
        crate::store::register::drop_terms(c, &taken)?;
        for id in &taken {
            store::write_terms(c, *id, computed.get(id).map_or(&[][..], Vec::as_slice))?;
        }
        Ok((taken.len(), off))
    })
}

/// Marks for indexing again the cases whose public texts grew since the
/// last run; how many.
fn mark_grown(conn: &mut DbConnection, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    let Some(mut after) = position(conn, EVENTS)? else {
        // The first run: every case waits already; start at the end.
        let last = store::last_event(conn)?.unwrap_or(0);
        conn.write(|c| set_position(c, EVENTS, last))?;
        return Ok(0);
    };
    let settled_before = to_db(now - SETTLE);
    let mut marked = 0;
    loop {
        let (rows, last) = store::texts_after(conn, after, EVENTS_AT_ONCE)?;
        let Some(last) = last else { return Ok(marked) };
        let mut reached = None;
        let mut grown: BTreeMap<i64, NaiveDateTime> = BTreeMap::new();
        for &(id, complaint, at, text) in &rows {
            if at >= settled_before {
                break;
            }
            reached = Some(id);
            if text {
                let latest = grown.entry(complaint).or_insert(at);
                *latest = (*latest).max(at);
            }
        }
        marked += conn.write(|c| {
            let mut n = 0;
            for (complaint, at) in &grown {
                // Indexed before the text could be committed: again.
                n += usize::from(store::reindex(c, *complaint, *at + SETTLE)?);
            }
            if let Some(id) = reached {
                set_position(c, EVENTS, id)?;
            }
            Ok::<_, diesel::result::Error>(n)
        })?;
        if reached != Some(last) || (rows.len() as i64) < EVENTS_AT_ONCE {
            return Ok(marked);
        }
        after = last;
    }
}

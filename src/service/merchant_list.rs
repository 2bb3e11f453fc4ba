//! The public merchant list (`/merchants`): every merchant with the
//! scorecard's figures, sortable by them, a page at a time.
//!
//! Counting a year of complaints for 5,000 merchants per request is out of
//! the question, so each merchant's figures are counted by the scorecard's
//! own code (`scorecard::figures`) and kept in `merchant_figures`, with
//! the sort keys beside them. [`refresh`] keeps them current, a round after
//! every deadline sweep, on the sweeper's thread:
//!
//! - a merchant's row is marked stale when one of its complaints has a new
//!   timeline event (filed, answered, proposed, resolved, breached,
//!   escalated, ruled: everything that moves a figure is one), when it is
//!   rated, and when it is new;
//! - a round counts up to [`ROUND`] merchants: the stale ones first, then
//!   any counted more than [`MAX_AGE`] ago (the 30-day and 365-day windows
//!   move on by themselves);
//! - counting again is idempotent: a round writes what it counted as of
//!   its time, whatever was there; on PostgreSQL one round runs at a time
//!   (an advisory lock), SQLite instances on one file may interleave theirs.
//!
//! So the list trails the scorecard by a round or so, and by at most
//! [`MAX_AGE`] for what time alone changes.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use crate::domain::credit_code::CreditCode;
use crate::domain::merchant_list::{self, Order, millionths};
use crate::domain::offender::Supervision;
use crate::service::scorecard::{self, Figures};
use crate::store::merchant_figures::{self as store, Counted, Filter, SortKeys};
use crate::store::{DbConnection, jobs, merchants, to_db};

/// Merchants counted in one round at most: about 0.2 s on SQLite and 1 s
/// on PostgreSQL with a million complaints (BENCHMARKS.md, issue 22).
pub const ROUND: i64 = 500;
/// Figures older than this are counted again even if nothing happened.
pub const MAX_AGE: Duration = Duration::hours(1);
/// Where the rounds got to in `complaint_events`.
const EVENTS: &str = "merchant_figures.events";
/// Events read per statement.
const EVENTS_AT_ONCE: i64 = 20_000;
/// On PostgreSQL a transaction takes an event's id before it commits, so
/// an id can appear after higher ones were read. Events this recent are
/// read again by the next round (marking a merchant stale twice is free).
const SETTLE: Duration = Duration::minutes(2);

/// One merchant as the list shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub merchant_id: i64,
    pub name: String,
    pub supervision: Supervision,
    /// The scorecard's figures as last counted.
    pub figures: Figures,
}

/// A page of the list.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub rows: Vec<Listed>,
    /// Merchants matching the search, on all pages.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// What was asked: a search (part of a name, or a credit code), an order,
/// and a page (1 and up) of `size` rows.
#[derive(Debug, Clone)]
pub struct Asked {
    pub q: String,
    pub order: Order,
    pub page: i64,
    pub size: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// Past the last page (there are `pages`).
    #[error("there is no page {page}: the list has {pages}")]
    NoSuchPage { page: i64, pages: i64, total: i64 },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The page asked for.
pub fn list(conn: &mut DbConnection, asked: &Asked) -> Result<ListPage, ListError> {
    let filter = filter(conn, &asked.q)?;
    let total = store::count(conn, &filter)?;
    let pages = merchant_list::pages(total, asked.size);
    let page = asked.page.max(1);
    if page > pages {
        return Err(ListError::NoSuchPage { page, pages, total });
    }
    let rows = store::page(conn, &filter, asked.order, (page - 1) * asked.size, asked.size)?
        .into_iter()
        .map(|r| Listed {
            merchant_id: r.merchant_id,
            name: r.name,
            supervision: r.supervision,
            figures: figures(&r.counted),
        })
        .collect();
    Ok(ListPage { rows, total, page, pages })
}

/// A search: by name (folded, anywhere in it), and by credit code when it
/// is one.
fn filter(conn: &mut DbConnection, q: &str) -> diesel::QueryResult<Filter> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Filter::default());
    }
    let key = merchant_list::search_key(q);
    let escaped = key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let merchant = match CreditCode::parse(q) {
        Ok(code) => merchants::by_credit_code(conn, code.as_str())?,
        Err(_) => None,
    };
    Ok(Filter { name_contains: Some(format!("%{escaped}%")), merchant })
}

fn figures(counted: &Counted) -> Figures {
    let (counts, ratings) = counted.counts();
    Figures { counts, ratings }
}

/// The row's sort keys: the rates and the average the scorecard shows.
fn sort_keys(f: &Figures) -> SortKeys {
    let rates = f.rates(Vec::new());
    SortKeys {
        response: rates.response.map(millionths),
        resolution: rates.on_time_resolution.map(millionths),
        satisfaction: f.satisfaction().map(|(average, _)| millionths(average)),
    }
}

/// A new merchant's row (in its onboarding's transaction).
pub fn added(conn: &mut DbConnection, merchant_id: i64, name: &str, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    store::add(conn, merchant_id, name, now)
}

/// Something changed the merchant's figures that left no timeline event
/// (a rating): counted again next round.
pub fn touched(conn: &mut DbConnection, merchant_id: i64) -> diesel::QueryResult<()> {
    store::touch(conn, merchant_id)
}

/// One round; `None` when another process is running one (PostgreSQL).
pub fn refresh(conn: &mut DbConnection, now: DateTime<Utc>) -> diesel::QueryResult<Option<usize>> {
    jobs::exclusive(conn, "merchant_figures", |conn| {
        mark_changed(conn, now)?;
        count_due(conn, now, ROUND)
    })
}

/// Rounds until every merchant is counted as of `now` (seeding, the demo,
/// the benchmark); how many were counted.
pub fn refresh_all(conn: &mut DbConnection, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    // Marked once: events too recent to pass the mark would mark their
    // merchants again every round.
    mark_changed(conn, now)?;
    let mut total = 0;
    loop {
        match count_due(conn, now, ROUND)? {
            0 => return Ok(total),
            n => total += n,
        }
    }
}

/// Counts up to `budget` of the merchants due.
fn count_due(conn: &mut DbConnection, now: DateTime<Utc>, budget: i64) -> diesel::QueryResult<usize> {
    let due = store::due(conn, to_db(now - MAX_AGE), budget)?;
    if due.is_empty() {
        return Ok(0);
    }
    // Cleared before counting: whatever commits from here on is either
    // seen by the count or marks the row stale again.
    conn.write(|c| store::clear_stale(c, &due))?;
    let mut counted = Vec::with_capacity(due.len());
    for &id in &due {
        counted.push((id, scorecard::figures(conn, id, now)?));
    }
    conn.write(|c| {
        for (id, f) in &counted {
            store::store(c, *id, &Counted::of(&f.counts, f.ratings), sort_keys(f), now)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(due.len())
}

/// Marks stale the merchants of the timeline events since the last round,
/// and any merchant without a row yet (made by other means than
/// onboarding, such as a bulk load) gets one.
fn mark_changed(conn: &mut DbConnection, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    if !store::missing(conn)?.is_empty() {
        // Read again under the write lock: another process may have added
        // them meanwhile.
        conn.write(|c| {
            let missing = store::missing(c)?;
            for (id, name) in &missing {
                store::add(c, *id, name, now)?;
            }
            store::mark_stale(c, &missing.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        })?;
    }
    let mut after = store::position(conn, EVENTS)?.unwrap_or(0);
    let settled_before = to_db(now - SETTLE);
    let mut settled = true;
    loop {
        let events = store::events_after(conn, after, EVENTS_AT_ONCE)?;
        let Some(&(last, _, _)) = events.last() else { return Ok(()) };
        let merchants: BTreeSet<i64> = events.iter().map(|(_, m, _)| *m).collect();
        // The next round reads again from the first event that may not
        // have had all of its predecessors committed yet.
        let mut position = None;
        for (id, _, at) in &events {
            settled = settled && *at < settled_before;
            if settled {
                position = Some(*id);
            }
        }
        conn.write(|c| {
            store::mark_stale(c, &merchants.into_iter().collect::<Vec<_>>())?;
            match position {
                Some(id) => store::set_position(c, EVENTS, id),
                None => Ok(()),
            }
        })?;
        if (events.len() as i64) < EVENTS_AT_ONCE {
            return Ok(());
        }
        after = last;
    }
}

//! The register's search index, written: which cases wait to be indexed
//! (a range of the partial index `register_entries_unindexed`), the texts
//! their terms are taken from, the terms themselves, and which cases'
//! public texts have grown since they were indexed (the timeline after a
//! position, as the merchant list's rounds read it).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::published::{PUBLIC_KINDS, People, PublicText, public_texts};
use super::schema::{complaint_events, complaints, register_entries, register_terms};
use super::{DbConnection, to_db};
use crate::domain::event::{Actor, EventKind, Visibility};

/// Rows a multi-row insert of terms carries at most (two values each).
const TERMS_AT_ONCE: usize = 1_000;

/// Up to `limit` cases waiting to be indexed, oldest first, with whether
/// the consumer consents now.
pub fn unindexed(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<(i64, bool)>> {
    register_entries::table
        .filter(register_entries::indexed_at.is_null())
        .order(register_entries::complaint_id)
        .select((register_entries::complaint_id, register_entries::consent))
        .limit(limit)
        .load(conn)
}

/// What a case's terms are taken from: its description and public texts,
/// and its people (whose names are scrubbed from them).
#[derive(Debug, Clone)]
pub struct Source {
    pub complaint_id: i64,
    pub description: String,
    pub texts: Vec<PublicText>,
    pub people: People,
}

/// The sources of cases `ids`: a look-up by primary key and a range of the
/// timeline for each.
pub fn sources(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Source>> {
    type Row = (i64, String, String, Option<String>, Option<String>, String, Option<i64>);
    let rows: Vec<Row> = complaints::table
        .filter(complaints::id.eq_any(ids))
        .select((
            complaints::id,
            complaints::description,
            complaints::consumer_name,
            complaints::consumer_phone,
            complaints::consumer_email,
            complaints::order_ref,
            complaints::host_id,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (complaint_id, description, consumer_name, consumer_phone, consumer_email, order_ref, host_id) in rows {
        let texts = public_texts(conn, complaint_id)?;
        let people = People { consumer_name, consumer_phone, consumer_email, order_ref, host_id, host_real_name: None };
        out.push(Source { complaint_id, description, texts, people });
    }
    let mut people: Vec<&mut People> = out.iter_mut().map(|s| &mut s.people).collect();
    super::published::host_names(conn, &mut people)?;
    Ok(out)
}

/// Takes the cases `ids` read with `consent` as indexed at `now`, each
/// only if it still waits and its consent is still as read; returns those
/// taken. Run first in the transaction that writes their terms: on
/// PostgreSQL the rows stay locked until it commits, so a withdrawal (or
/// another instance) waits for it and then sees it done.
pub fn claim(conn: &mut DbConnection, ids: &[i64], consent: bool, now: DateTime<Utc>) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(
        register_entries::table
            .filter(register_entries::complaint_id.eq_any(ids))
            .filter(register_entries::indexed_at.is_null())
            .filter(register_entries::consent.eq(consent)),
    )
    .set(register_entries::indexed_at.eq(to_db(now)))
    .returning(register_entries::complaint_id)
    .get_results(conn)
}

/// Writes the terms of case `complaint_id`, `terms` (each once): after
/// [`super::register::drop_terms`] for a case indexed before.
pub fn write_terms(conn: &mut DbConnection, complaint_id: i64, terms: &[String]) -> QueryResult<()> {
    let mut terms: Vec<&str> = terms.iter().map(String::as_str).collect();
    terms.sort_unstable();
    terms.dedup();
    for chunk in terms.chunks(TERMS_AT_ONCE) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|t| (register_terms::term.eq(*t), register_terms::complaint_id.eq(complaint_id)))
            .collect();
        let insert = diesel::insert_into(register_terms::table).values(rows);
        crate::on_backend!(conn, |c| insert.execute(c))?;
    }
    Ok(())
}

/// A timeline entry: its id, its case, when, and whether it is a public
/// text of the consumer or the merchant.
pub type Mark = (i64, i64, NaiveDateTime, bool);

/// The timeline's entries after id `after`, up to `limit` of them by id (a
/// range of the primary key), and the last id read.
pub fn texts_after(conn: &mut DbConnection, after: i64, limit: i64) -> QueryResult<(Vec<Mark>, Option<i64>)> {
    type Row = (i64, i64, NaiveDateTime, EventKind, Visibility, Actor);
    let rows: Vec<Row> = complaint_events::table
        .filter(complaint_events::id.gt(after))
        .order(complaint_events::id)
        .select((
            complaint_events::id,
            complaint_events::complaint_id,
            complaint_events::at,
            complaint_events::kind,
            complaint_events::visibility,
            complaint_events::actor,
        ))
        .limit(limit)
        .load(conn)?;
    let last = rows.last().map(|r| r.0);
    let marks = rows
        .into_iter()
        .map(|(id, complaint, at, kind, visibility, actor)| {
            let text = PUBLIC_KINDS.contains(&kind)
                && visibility == Visibility::Public
                && matches!(actor, Actor::Consumer | Actor::Merchant);
            (id, complaint, at, text)
        })
        .collect();
    Ok((marks, last))
}

/// The newest timeline entry's id, if any.
pub fn last_event(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    complaint_events::table.select(diesel::dsl::max(complaint_events::id)).first(conn)
}

/// Case `complaint_id`, if consented and indexed no later than `by`, is to
/// be indexed again (its public texts grew at about that time).
pub fn reindex(conn: &mut DbConnection, complaint_id: i64, by: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        register_entries::table
            .filter(register_entries::complaint_id.eq(complaint_id))
            .filter(register_entries::consent.eq(true))
            .filter(register_entries::indexed_at.le(by)),
    )
    .set(register_entries::indexed_at.eq(None::<NaiveDateTime>))
    .execute(conn)?;
    Ok(n == 1)
}

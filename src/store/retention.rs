//! Removing complaints whose retention has run out, with everything that
//! hangs on them: their timeline, their mail (it holds the consumer's
//! address), the rating, a supervisor's hold, their places in incidents
//! and in the public register;
//! and user reports decided as long ago, with their places in incidents.

use diesel::prelude::*;

use super::schema::{
    complaint_claims, complaint_events, complaints, evidence, outbox, ratings, register_entries, register_terms,
    reliefs, reports,
};
use super::{DbConnection, to_db};

/// What one purge removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    pub complaints: usize,
    pub events: usize,
    pub mails: usize,
    pub ratings: usize,
    /// User reports.
    pub reports: usize,
    /// The evidence files and screenshots (and thumbnails) the removed
    /// rows named.
    pub files: Vec<String>,
}

/// The complaints that ended (resolved, closed, withdrawn) before `cutoff`
/// and are still ended: not one that undelivered relief brought back to
/// the platform, nor one the deposit ledger names (money paid from it is
/// kept with the complaint it was paid for, as the ledger is).
pub fn ended_before(conn: &mut DbConnection, cutoff: chrono::DateTime<chrono::Utc>) -> QueryResult<Vec<i64>> {
    use super::schema::deposit_entries;
    let paid = deposit_entries::table.filter(deposit_entries::complaint_id.eq(complaints::id.nullable()));
    complaints::table
        .filter(complaints::ended_at.lt(to_db(cutoff)))
        .filter(complaints::state.ne(crate::domain::state::State::Escalated))
        .filter(diesel::dsl::not(diesel::dsl::exists(paid)))
        .select(complaints::id)
        .order(complaints::id)
        .load(conn)
}

/// Deletes the complaints `ids` and what belongs to them.
pub fn remove(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Removed> {
    let mut removed = Removed::default();
    for chunk in ids.chunks(500) {
        removed.events += diesel::delete(complaint_events::table.filter(complaint_events::complaint_id.eq_any(chunk)))
            .execute(conn)?;
        removed.mails += diesel::delete(outbox::table.filter(outbox::complaint_id.eq_any(chunk))).execute(conn)?;
        removed.ratings += diesel::delete(ratings::table.filter(ratings::complaint_id.eq_any(chunk))).execute(conn)?;
        diesel::delete(reliefs::table.filter(reliefs::complaint_id.eq_any(chunk))).execute(conn)?;
        diesel::delete(register_terms::table.filter(register_terms::complaint_id.eq_any(chunk))).execute(conn)?;
        diesel::delete(register_entries::table.filter(register_entries::complaint_id.eq_any(chunk))).execute(conn)?;
        let files: Vec<(String, Option<String>)> = evidence::table
            .filter(evidence::complaint_id.eq_any(chunk))
            .select((evidence::sha256, evidence::thumb_sha256))
            .load(conn)?;
        removed.files.extend(files.into_iter().flat_map(|(file, thumb)| std::iter::once(file).chain(thumb)));
        diesel::delete(evidence::table.filter(evidence::complaint_id.eq_any(chunk))).execute(conn)?;
        diesel::delete(complaint_claims::table.filter(complaint_claims::complaint_id.eq_any(chunk))).execute(conn)?;
        super::incidents::forget(conn, chunk)?;
        super::api_idempotency::forget_complaints(conn, chunk)?;
        removed.complaints += diesel::delete(complaints::table.filter(complaints::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(removed)
}

/// The user reports decided (reviewed or dismissed) before `cutoff`. One
/// nobody has looked at yet is kept, however old, as an open complaint is.
pub fn reports_decided_before(conn: &mut DbConnection, cutoff: chrono::DateTime<chrono::Utc>) -> QueryResult<Vec<i64>> {
    reports::table.filter(reports::decided_at.lt(to_db(cutoff))).select(reports::id).order(reports::id).load(conn)
}

/// Deletes the reports `ids`, out of their incidents first; adds them and
/// their screenshots to `removed`.
pub fn remove_reports(conn: &mut DbConnection, ids: &[i64], removed: &mut Removed) -> QueryResult<()> {
    for chunk in ids.chunks(500) {
        let shots: Vec<(Option<String>, Option<String>)> = reports::table
            .filter(reports::id.eq_any(chunk))
            .select((reports::screenshot_sha256, reports::screenshot_thumb_sha256))
            .load(conn)?;
        removed.files.extend(shots.into_iter().flat_map(|(file, thumb)| file.into_iter().chain(thumb)));
        super::incidents::forget_reports(conn, chunk)?;
        removed.reports += diesel::delete(reports::table.filter(reports::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(())
}

/// Whether any evidence row, report or inspection still names the file
/// `sha256` (the same file sent twice is kept once, for both).
pub fn file_in_use(conn: &mut DbConnection, sha256: &str) -> QueryResult<bool> {
    let evidence = diesel::select(diesel::dsl::exists(
        evidence::table.filter(evidence::sha256.eq(sha256).or(evidence::thumb_sha256.eq(sha256))),
    ))
    .get_result(conn)?;
    if evidence || super::inspections::file_in_use(conn, sha256)? {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        reports::table.filter(reports::screenshot_sha256.eq(sha256).or(reports::screenshot_thumb_sha256.eq(sha256))),
    ))
    .get_result(conn)
}

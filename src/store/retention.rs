//! Removing complaints whose retention has run out, with everything that
//! hangs on them: their timeline, their mail (it holds the consumer's
//! address), the rating, a supervisor's hold, their places in incidents.

use diesel::prelude::*;

use super::schema::{complaint_claims, complaint_events, complaints, evidence, outbox, ratings};
use super::{DbConnection, to_db};

/// What one purge removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    pub complaints: usize,
    pub events: usize,
    pub mails: usize,
    pub ratings: usize,
    /// The evidence files (and thumbnails) the removed rows named.
    pub files: Vec<String>,
}

/// The complaints that ended (resolved, closed, withdrawn) before `cutoff`.
pub fn ended_before(conn: &mut DbConnection, cutoff: chrono::DateTime<chrono::Utc>) -> QueryResult<Vec<i64>> {
    complaints::table
        .filter(complaints::ended_at.lt(to_db(cutoff)))
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
        let files: Vec<(String, Option<String>)> = evidence::table
            .filter(evidence::complaint_id.eq_any(chunk))
            .select((evidence::sha256, evidence::thumb_sha256))
            .load(conn)?;
        removed.files.extend(files.into_iter().flat_map(|(file, thumb)| std::iter::once(file).chain(thumb)));
        diesel::delete(evidence::table.filter(evidence::complaint_id.eq_any(chunk))).execute(conn)?;
        diesel::delete(complaint_claims::table.filter(complaint_claims::complaint_id.eq_any(chunk))).execute(conn)?;
        super::incidents::forget(conn, chunk)?;
        removed.complaints += diesel::delete(complaints::table.filter(complaints::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(removed)
}

/// Whether any evidence row still names the file `sha256` (the same file
/// sent with another complaint, or kept with an inspection, is kept once,
/// for both).
pub fn file_in_use(conn: &mut DbConnection, sha256: &str) -> QueryResult<bool> {
    let complaint: bool = diesel::select(diesel::dsl::exists(
        evidence::table.filter(evidence::sha256.eq(sha256).or(evidence::thumb_sha256.eq(sha256))),
    ))
    .get_result(conn)?;
    Ok(complaint || super::inspections::file_in_use(conn, sha256)?)
}

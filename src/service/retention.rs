//! Retention. Live-commerce regulation requires the records of a complaint
//! to be kept for 3 years; after that, `redress purge --before DATE`
//! removes the complaints that ended before DATE, and the user reports
//! decided before it (a report holds what the reporter saw and may hold
//! their phone number). Open complaints and reports no one has decided on
//! are never removed, however old.

use chrono::{DateTime, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::store::DbConnection;
use crate::store::retention::{self, Removed};

/// How long a complaint is kept after it ends, at the least.
pub const KEEP_MONTHS: u32 = 36;

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error("complaints are kept for 3 years: the latest date a purge may name today is {latest}")]
    TooRecent { latest: NaiveDate },
    #[error("{0}")]
    Db(#[from] diesel::result::Error),
}

/// The latest `--before` allowed on `today`: 3 calendar years back.
pub fn latest_allowed(today: NaiveDate) -> NaiveDate {
    today.checked_sub_months(Months::new(KEEP_MONTHS)).unwrap_or(NaiveDate::MIN)
}

/// Removes the complaints that ended and the reports decided before the
/// start of `before` (in the deployment's zone `tz`), in one transaction,
/// then their evidence files and screenshots from `upload_dir`; with
/// `dry_run`, only says what would go.
pub fn purge(
    conn: &mut DbConnection,
    upload_dir: &std::path::Path,
    before: NaiveDate,
    tz: Tz,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Removed, PurgeError> {
    let latest = latest_allowed(now.with_timezone(&tz).date_naive());
    if before > latest {
        return Err(PurgeError::TooRecent { latest });
    }
    let midnight = before.and_hms_opt(0, 0, 0).expect("midnight");
    let cutoff = tz.from_local_datetime(&midnight).earliest().map_or(midnight.and_utc(), |t| t.with_timezone(&Utc));
    let mut removed = Removed::default();
    let outcome = conn.write(|conn| {
        let ended = retention::ended_before(conn, cutoff)?;
        removed = retention::remove(conn, &ended)?;
        let decided = retention::reports_decided_before(conn, cutoff)?;
        retention::remove_reports(conn, &decided, &mut removed)?;
        if dry_run { Err(diesel::result::Error::RollbackTransaction) } else { Ok(()) }
    });
    match outcome {
        Ok(()) if !dry_run => {}
        Ok(()) | Err(diesel::result::Error::RollbackTransaction) => return Ok(removed),
        Err(e) => return Err(e.into()),
    }
    // After the commit: the files no other complaint still refers to.
    for sha in &removed.files {
        if !retention::file_in_use(conn, sha)?
            && let Some(path) = crate::service::evidence::path(upload_dir, sha)
            && let Err(e) = std::fs::remove_file(&path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %e, file = %path.display(), "a purged evidence file could not be removed");
        }
    }
    Ok(removed)
}

/// Removes the webhook deliveries delivered longer ago than
/// `REDRESS_WEBHOOK_KEEP_DAYS` (the webhook dispatcher runs it hourly):
/// a delivered one is never sent again, and its event stays on the
/// complaint's timeline. Pending, paused and dead ones stay, for the
/// merchant to see. How many went.
pub fn prune_webhook_deliveries(
    conn: &mut DbConnection,
    keep: chrono::Duration,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    conn.write(|conn| crate::store::webhook_deliveries::prune_delivered(conn, now - keep))
}

/// Forgets the API's idempotency keys used more than
/// [`KEEP_HOURS`](crate::service::api_filing::KEEP_HOURS) ago: a retried
/// request is never that late, and the key's row held the complaint's
/// consumer to nothing. Run by the server's sweeper job every round (a
/// range over the `created_at` index); returns how many went.
pub fn prune_idempotency(conn: &mut DbConnection, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    let before = now - chrono::Duration::hours(crate::service::api_filing::KEEP_HOURS);
    conn.write(|conn| crate::store::api_idempotency::prune(conn, before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_calendar_years_are_kept() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(latest_allowed(day("2026-11-21")), day("2023-11-21"));
        assert_eq!(latest_allowed(day("2028-02-29")), day("2025-02-28"));
    }
}

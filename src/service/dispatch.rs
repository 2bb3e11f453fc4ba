//! The mail dispatcher: claims due notices (each by one dispatcher only),
//! sends them, marks them sent, or schedules a retry with exponential
//! backoff, or gives up and marks them dead with the error.

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::mail::transport::Transport;
use crate::store::DbConnection;
use crate::store::outbox;

/// Attempts before a notice is given up as dead.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim lasts: a dispatcher that dies mid-send frees its rows.
const LEASE: i64 = 120;

/// 10 s after the first failure, doubling, at most 10 min.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 16) - 1;
    Duration::seconds((10i64 << exponent).min(600))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// A dead notice sent again, as a supervisor asked: back in the queue with
/// a fresh set of attempts. False when there is no dead notice `id`.
pub fn retry(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> diesel::QueryResult<bool> {
    conn.write(|conn| outbox::retry(conn, id, now))
}

/// One round: up to `limit` due notices.
pub fn dispatch(
    conn: &mut DbConnection,
    transport: &Transport,
    config: &Config,
    now: DateTime<Utc>,
    limit: i64,
) -> diesel::QueryResult<DispatchReport> {
    let mut report = DispatchReport::default();
    let claimed = conn.write(|c| outbox::claim_due(c, now, limit, Duration::seconds(LEASE)))?;
    // What happened to each, recorded together after the round: one commit
    // for the round rather than one a notice (at 2,000 complaints a second
    // that was 4,000 commits a second beside intake's). A crash before that
    // commit sends the round again once the lease runs out, each notice
    // with its same Message-ID: delivery was at least once already.
    let mut outcomes = Vec::with_capacity(claimed.len());
    for row in claimed {
        let name = format!("{:08}-{}-{}", row.id, row.kind, row.created_at.and_utc().timestamp());
        match transport.send(&config.mail_from, &row.recipient, &row.rendered(), &name) {
            Ok(()) => {
                outcomes.push((row.id, None));
                report.sent += 1;
            }
            Err(e) if e.permanent || row.attempts >= MAX_ATTEMPTS => {
                tracing::warn!(mail = row.id, error = %e.message, "notice dead");
                outcomes.push((row.id, Some((e.message, None))));
                report.dead += 1;
            }
            Err(e) => {
                outcomes.push((row.id, Some((e.message, Some(now + backoff(row.attempts))))));
                report.retrying += 1;
            }
        }
    }
    if !outcomes.is_empty() {
        conn.write(|c| {
            for (id, failed) in &outcomes {
                match failed {
                    None => outbox::mark_sent(c, *id, now)?,
                    Some((message, retry)) => outbox::mark_failed(c, *id, message, *retry)?,
                }
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_within_10_s_and_stops_at_10_min() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(6), Duration::seconds(320));
        assert_eq!(backoff(7), Duration::seconds(600));
        assert_eq!(backoff(30), Duration::seconds(600));
    }
}

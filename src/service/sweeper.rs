//! The deadline sweeper: finds what has fallen due and catches each
//! complaint up (breaches recorded once with their due time, one
//! escalation, the 72-hour silence rule). Complaints are handled a chunk
//! per transaction: one commit (one fsync) for a chunk rather than one a
//! complaint, short enough not to hold up the requests waiting to write.
//! Safe to run in several processes at once. On PostgreSQL one sweep runs
//! at a time (an advisory lock; the others skip their turn). Beneath that,
//! and on SQLite, every write is guarded: a complaint changed by another
//! sweep since it was read is left to that one (its version moved on), the
//! reminder cursor is read and moved in one write transaction, and a
//! notice is queued once per key. Complaints are taken in (merchant, id)
//! order, one order for every sweep, so two sweeps never wait on each
//! other in a cycle.
//!
//! Why merchant order: a burst falls due across thousands of merchants.
//! Taken by id, each chunk touched every part of the indexes that start
//! with the merchant, and each of their pages was written again by every
//! chunk (on a million complaints, nine times over: most of what the sweep
//! wrote). Taken by merchant, a chunk holds a few merchants' complaints
//! together: those pages are written about once, and a merchant's
//! repeat-offender figures are counted once for all of its complaints
//! that fell due, still in the transaction that records the breaches.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use crate::domain::progress::Lapse;
use crate::service::catch_up::{ActError, Advanced, At, advance, breached};
use crate::service::offenders::{self, Trigger};
use chrono::Duration;

use crate::domain::deadline::DeadlineKind;
use crate::service::notify;
use crate::store::{DbConnection, from_db, jobs, sweep};
use diesel::connection::SimpleConnection;

/// Complaints read per query: a whole burst at once, so that the merchant
/// order holds across it (ids are small; the complaints themselves are
/// read a chunk at a time).
const BATCH: i64 = 20_000;
/// Complaints caught up per transaction: one commit (and one sync) for
/// each 500, which holds other writers up for some 30 ms at a time on the
/// project's machine (1,000 a chunk was 10 % faster and twice as long).
const CHUNK: usize = 500;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub response_breaches: usize,
    pub resolution_breaches: usize,
    pub escalations: usize,
    pub accepted_by_silence: usize,
    /// Repeat-offender flags cleared because the merchant stayed below
    /// every threshold for a whole window.
    pub flags_cleared: usize,
    /// Reminders queued: 12 h before a response deadline, 24 h before a
    /// resolution deadline.
    pub reminders: usize,
    /// Consumers asked whether the money of a relief arrived.
    pub relief_questions: usize,
    /// Complaints another process changed first.
    pub skipped: usize,
    /// Merchants whose live selling was restricted automatically: a
    /// compensation's top-up fell due with the deposit still short.
    pub deposit_restrictions: usize,
    /// Restrictions of N days whose days were over.
    pub restrictions_ended: usize,
}

impl SweepReport {
    pub fn is_empty(&self) -> bool {
        *self == SweepReport::default()
    }
}

impl fmt::Display for SweepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} response breaches, {} resolution breaches, {} escalated, {} accepted after 72 h of silence",
            self.response_breaches, self.resolution_breaches, self.escalations, self.accepted_by_silence
        )?;
        if self.reminders > 0 {
            write!(f, ", {} reminders queued", self.reminders)?;
        }
        if self.relief_questions > 0 {
            write!(f, ", {} asked whether their money arrived", self.relief_questions)?;
        }
        if self.flags_cleared > 0 {
            write!(f, ", {} repeat-offender flags cleared", self.flags_cleared)?;
        }
        if self.restrictions_ended > 0 {
            write!(f, ", {} restrictions over", self.restrictions_ended)?;
        }
        if self.skipped > 0 {
            write!(f, ", {} left to another sweep", self.skipped)?;
        }
        if self.deposit_restrictions > 0 {
            write!(f, ", {} merchants restricted for a deposit left short", self.deposit_restrictions)?;
        }
        Ok(())
    }
}

/// One sweep, or `None` when another process is sweeping right now.
pub fn sweep(conn: &mut DbConnection, at: At<'_>) -> Result<Option<SweepReport>, diesel::result::Error> {
    // A burst of due complaints touches pages all over a dozen indexes: on
    // SQLite the sweep's connection keeps a larger cache while it runs
    // (SQLite's default is 2 MB), then gives it back.
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    if sqlite {
        conn.batch_execute("PRAGMA cache_size = -16384")?;
    }
    let swept = jobs::exclusive(conn, "sweeper", |conn| run(conn, at));
    if sqlite {
        conn.batch_execute("PRAGMA cache_size = -2000")?;
    }
    swept
}

fn run(conn: &mut DbConnection, at: At<'_>) -> Result<SweepReport, diesel::result::Error> {
    let mut report = SweepReport::default();
    let mut seen = HashSet::new();
    loop {
        let due = sweep::due(conn, at.now, at.policy().consumer_silence, BATCH)?;
        let fresh: Vec<i64> = due.into_iter().filter(|(_, id)| seen.insert(*id)).map(|(_, id)| id).collect();
        if fresh.is_empty() {
            report.flags_cleared = crate::service::offenders::sweep_flags(conn, at.config, at.now)?;
            report.reminders = reminders(conn, at)?;
            report.relief_questions = crate::service::relief::ask_due(conn, at.config, at.now)?;
            report.deposit_restrictions = crate::service::deposits::sweep(conn, at.config, at.now)?;
            report.restrictions_ended = if crate::store::actions::any_expired(conn, at.now)? {
                conn.write(|conn| crate::store::actions::end_expired(conn, at.now))?
            } else {
                0
            };
            return Ok(report);
        }
        for chunk in fresh.chunks(CHUNK) {
            let outcomes = conn.write(|conn| {
                let mut outcomes = Vec::with_capacity(chunk.len());
                let mut named = BTreeSet::new();
                for c in sweep::find_many(conn, chunk)? {
                    match advance(conn, &c, at, None) {
                        Err(ActError::Db(e)) => return Err(e),
                        other => {
                            if let Ok(Advanced::Done(lapses)) = &other
                                && breached(lapses)
                            {
                                named.insert(offenders::named(&c));
                            }
                            outcomes.push((c.id, other))
                        }
                    }
                }
                // Each merchant (host, product) once, however many of its
                // complaints fell due.
                offenders::after_all(conn, named, Trigger::Breach, at.config, at.now)?;
                Ok(outcomes)
            })?;
            for (id, outcome) in outcomes {
                match outcome {
                    Ok(Advanced::Done(lapses)) | Ok(Advanced::Refused(lapses, _)) => {
                        for lapse in lapses {
                            match lapse {
                                Lapse::ResponseBreach { .. } => report.response_breaches += 1,
                                Lapse::ResolutionBreach { .. } => report.resolution_breaches += 1,
                                Lapse::Escalated { .. } => report.escalations += 1,
                                Lapse::SilenceAccepted { .. } => report.accepted_by_silence += 1,
                            }
                        }
                    }
                    Err(ActError::Changed) => report.skipped += 1,
                    Err(other) => tracing::warn!(complaint = id, error = %other, "sweep skipped a complaint"),
                }
            }
        }
    }
}

const REMINDER_MARK: &str = "reminders";

/// Queues the reminders whose time came since the last sweep: a deadline
/// still unmet and not yet passed. A reminder whose deadline passed while
/// nothing ran is not sent: the breach notice says it instead.
fn reminders(conn: &mut DbConnection, at: At<'_>) -> Result<usize, diesel::result::Error> {
    conn.write(|conn| {
        let since = jobs::mark(conn, REMINDER_MARK)?.unwrap_or(at.now);
        let mut queued = 0;
        for (kind, ahead) in
            [(DeadlineKind::Response, Duration::hours(12)), (DeadlineKind::Resolution, Duration::hours(24))]
        {
            let (from, to) = ((since + ahead).max(at.now), at.now + ahead);
            if from >= to {
                continue;
            }
            let due = match kind {
                DeadlineKind::Response => sweep::response_due_between(conn, from, to)?,
                DeadlineKind::Resolution => sweep::resolution_due_between(conn, from, to)?,
            };
            for c in due {
                notify::reminder(conn, at.config, &c, kind, at.now)?;
                crate::service::webhooks::reminder(conn, &c, kind, at.now)?;
                queued += 1;
            }
        }
        // The consumer, a day before silence would answer for them.
        let ahead = Duration::hours(24);
        let (from, to) = ((since + ahead).max(at.now), at.now + ahead);
        if from < to {
            let silence = at.policy().consumer_silence;
            for c in sweep::answer_due_between(conn, silence, from, to)? {
                let answer_by = c.proposal_reached_at.map(from_db).unwrap_or(at.now) + silence;
                notify::answer_reminder(conn, at.config, &c, answer_by, at.now)?;
                queued += 1;
            }
        }
        jobs::set_mark(conn, REMINDER_MARK, at.now)?;
        Ok(queued)
    })
}

//! Finding repeat offenders as it happens: a merchant's figures are
//! re-counted when something that counts happens to one of its complaints
//! (a new complaint, a breach, a ruling), never by scanning every
//! complaint on a page view; the sweeper clears flags whose merchant has
//! stayed below every threshold for a whole window. The host and the
//! product a complaint names are counted alike, each on its own ([`live`]).

pub mod live;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::audit::AuditKind;
use crate::domain::live::Target;
use crate::domain::offender::{FlagThresholds, Named, Reason, ReasonKind, Subject, reasons};
use crate::i18n::Tr;
use crate::service::notify;
use crate::store::DbConnection;
use crate::store::complaints::Complaint;
use crate::store::flags::{self, Flag, FlagState, Volume};

/// "30 天内 3 次超时：TS…, TS…, TS…".
pub fn reason_words(t: &Tr, days: i64, r: &Reason) -> String {
    let key = match r.kind {
        ReasonKind::Breaches => "flags.reason_breaches",
        ReasonKind::Complaints => "flags.reason_complaints",
        ReasonKind::UpheldFraud => "flags.reason_upheld",
    };
    t.fmt(key, &[("days", &days), ("n", &r.count), ("refs", &r.references.join(", "))])
}

/// What happened to one of the merchant's complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    NewComplaint,
    Breach,
    Ruling,
}

/// Whom the complaint counts against.
pub fn named(c: &Complaint) -> Named {
    Named { merchant_id: c.merchant_id, host_id: c.host_id, product_id: c.product_id }
}

/// [`after`] for the merchant of each of `named`, then [`live::after`] for
/// each host and product they name; each once, however many complaints
/// name it. Call inside the event's transaction.
pub fn after_all(
    conn: &mut DbConnection,
    named: impl IntoIterator<Item = Named>,
    trigger: Trigger,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let named: std::collections::BTreeSet<Named> = named.into_iter().collect();
    let merchants: std::collections::BTreeSet<i64> = named.iter().map(|n| n.merchant_id).collect();
    // A host's or a product's complaints are some of its merchant's: where
    // the merchant's figure is below its threshold, theirs are too, and
    // need no count (most complaints, on the intake path).
    let mut below = std::collections::BTreeSet::new();
    for merchant in merchants {
        if after_counted(conn, merchant, trigger, config, now)? {
            below.insert(merchant);
        }
    }
    let subjects: std::collections::BTreeMap<Subject, i64> = named
        .iter()
        .filter(|n| !below.contains(&n.merchant_id))
        .flat_map(|n| n.subjects().map(move |s| (s, n.merchant_id)))
        .collect();
    // The open flags about the merchants' things, one look-up a merchant.
    let mut open: std::collections::BTreeMap<i64, Vec<Subject>> = std::collections::BTreeMap::new();
    for (subject, merchant) in subjects {
        let flagged = match open.entry(merchant) {
            std::collections::btree_map::Entry::Occupied(o) => o.get().contains(&subject),
            std::collections::btree_map::Entry::Vacant(v) => {
                let flags = flags::live::open_of_merchant(conn, merchant)?;
                v.insert(flags.iter().filter_map(|f| Subject::of(f.subject, f.subject_id)).collect()).contains(&subject)
            }
        };
        live::after(conn, merchant, subject, trigger, flagged, config, now)?;
    }
    Ok(())
}

/// After `trigger`: checks the threshold the trigger can have crossed and,
/// if it is met, raises the merchant's flag (a ruling also refreshes an
/// open one; the sweeper refreshes pending flags as the window moves).
/// Call inside the event's transaction.
pub fn after(
    conn: &mut DbConnection,
    merchant_id: i64,
    trigger: Trigger,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    after_counted(conn, merchant_id, trigger, config, now).map(drop)
}

/// [`after`]; whether the figure the trigger moves was counted and found
/// below its threshold.
fn after_counted(
    conn: &mut DbConnection,
    merchant_id: i64,
    trigger: Trigger,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    let t = &config.policy.flags;
    // A merchant already flagged or under supervision needs no new flag:
    // the sweeper keeps a pending flag's reasons current as the window
    // moves. Re-counting here would read all of a busy merchant's recent
    // complaints on each new one, inside the write lock. A ruling is rare
    // and its figures are the ones a supervisor acts on: always counted.
    // A flag that only volume raised, which the public does not see yet,
    // is made public by a breach at the end of the same sweep
    // (`sweep_flags` re-counts every pending flag whose merchant had one),
    // not here once per breach.
    if trigger != Trigger::Ruling && flags::open_flag(conn, merchant_id)?.is_some() {
        return Ok(false);
    }
    // Only the figure the trigger moves can have crossed its threshold.
    let since = now - t.window;
    let below = match trigger {
        Trigger::Breach => (flags::breach_count(conn, merchant_id, since)? as usize) < t.breaches,
        Trigger::NewComplaint => {
            (flags::complaint_count_of(conn, merchant_id, since, volume(config))? as usize) < t.complaints
        }
        Trigger::Ruling => false,
    };
    if below {
        return Ok(true);
    }
    evaluate(conn, merchant_id, config, now).map(|()| false)
}

/// Which complaints count toward the volume threshold: once phone numbers
/// can be verified, only verified ones (anyone can file a complaint; a
/// proved number is a person). Breaches and rulings count regardless.
fn volume(config: &Config) -> Volume {
    if config.verify_phone.is_on() { Volume::Verified } else { Volume::All }
}

/// Where a merchant's window starts: `window` ago, or at the last
/// dismissal if that is later (a dismissed flag's evidence does not raise
/// the next one).
fn window_start(
    conn: &mut DbConnection,
    merchant_id: i64,
    t: &FlagThresholds,
    now: DateTime<Utc>,
) -> diesel::QueryResult<DateTime<Utc>> {
    let dismissed = flags::last_dismissed(conn, merchant_id)?.map(crate::store::from_db);
    Ok(dismissed.map_or(now - t.window, |d| d.max(now - t.window)))
}

/// Re-counts one merchant's figures; raises a flag, or refreshes the open
/// one, when a threshold is met.
pub fn evaluate(
    conn: &mut DbConnection,
    merchant_id: i64,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let t = &config.policy.flags;
    let since = window_start(conn, merchant_id, t, now)?;
    let figures = flags::figures_of(conn, merchant_id, since, volume(config))?;
    let found = reasons(&figures, t);
    if found.is_empty() {
        return Ok(());
    }
    let text = found.iter().map(|r| r.to_line()).collect::<Vec<_>>().join("\n");
    match flags::open_flag(conn, merchant_id)? {
        Some(flag) => flags::tripped(conn, &flag, &text, now),
        None => {
            let id = flags::raise(conn, merchant_id, &text, now)?;
            let tr = crate::i18n::Lang::ZhCn.tr();
            let words: Vec<String> = found.iter().map(|r| reason_words(&tr, t.window.num_days(), r)).collect();
            notify::flag(conn, config, merchant_id, id, &words, now)
        }
    }
}

/// For the sweeper: a flag awaiting a decision is re-counted when its
/// merchant (host, product) has had a complaint, a breach or a ruling since the last count
/// (its reasons stay current), and when it has met no threshold for a whole
/// window (it is cleared, unless it meets one again). Returns how many were
/// cleared. Re-counting every pending flag on every sweep, as this did, cost
/// a transaction per flag each round: 2,560 flags took over a second.
pub fn sweep_flags(conn: &mut DbConnection, config: &Config, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    let t = &config.policy.flags;
    let mut cleared = 0;
    let mut due = flags::to_recount(conn, now - t.window)?;
    due.extend(flags::live::to_recount(conn, now - t.window, live::reach(config))?);
    // A few hundred flags a transaction: one commit each, not one a flag.
    for chunk in due.chunks(250) {
        conn.write(|conn| {
            for flag in chunk {
                let found = recount(conn, flag, config, now)?;
                if !found.is_empty() {
                    let text = found.iter().map(|r| r.to_line()).collect::<Vec<_>>().join("\n");
                    flags::tripped(conn, flag, &text, now)?;
                } else if crate::store::from_db(flag.last_tripped_at) <= now - t.window {
                    if flags::decide(conn, flag, FlagState::Flagged, FlagState::Cleared, None, None, now)? {
                        cleared += 1;
                    }
                } else {
                    flags::counted(conn, flag.id, now)?;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    Ok(cleared)
}

/// What a flag's figures meet now: its host's or product's, or its
/// merchant's own.
fn recount(
    conn: &mut DbConnection,
    flag: &Flag,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Reason>> {
    let t = &config.policy.flags;
    let figures = match Subject::of(flag.subject, flag.subject_id) {
        Some(subject) => live::figures(conn, subject, config, now)?,
        None => {
            let since = window_start(conn, flag.merchant_id, t, now)?;
            flags::figures_of(conn, flag.merchant_id, since, volume(config))?
        }
    };
    Ok(reasons(&figures, t))
}

#[derive(Debug, thiserror::Error)]
pub enum FlagError {
    #[error("no such flag")]
    NotFound,
    /// Confirming or dismissing what is not awaiting a decision, closing
    /// what is not an open case.
    #[error("not in that state")]
    State,
    #[error("a note is required")]
    Note,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

crate::slug_enum! {
    #[catalog("flags.done_")]
    /// What a supervisor does with a flag.
    pub enum FlagDecision {
        /// Opens a supervision case. On the merchant's own flag the
        /// merchant is `supervised` (the public scorecard says so). On a
        /// host's or a product's, the case is about that host or product:
        /// the flag is `supervised` on the supervisors' list, and the
        /// merchant's status stays what its own record makes it. One host
        /// with many complaints is a reason to watch the host (and to ban
        /// it if need be), not to brand every other room and product of
        /// the merchant; a measure on the host is its own decision.
        Confirm => "confirm",
        Dismiss => "dismiss",
        /// Closes the supervision case.
        Close => "close",
    }
}

/// A supervisor's decision on a flag, recorded in the staff audit log in
/// the same transaction; what the flag was about.
pub fn decide(
    conn: &mut DbConnection,
    flag_id: i64,
    decision: FlagDecision,
    note: &str,
    who: &crate::service::audit::Actor,
    now: DateTime<Utc>,
) -> Result<Target, FlagError> {
    let note = match note.trim() {
        "" if decision == FlagDecision::Dismiss => return Err(FlagError::Note),
        "" => None,
        n => Some(crate::domain::text::clean(n, 1, 1000, true).map_err(|_| FlagError::Note)?),
    };
    let (from, to) = match decision {
        FlagDecision::Confirm => (FlagState::Flagged, FlagState::Supervised),
        FlagDecision::Dismiss => (FlagState::Flagged, FlagState::Dismissed),
        FlagDecision::Close => (FlagState::Supervised, FlagState::Closed),
    };
    conn.write(|conn| {
        let flag = flags::find(conn, flag_id)?.ok_or(FlagError::NotFound)?;
        if !flags::decide(conn, &flag, from, to, who.user_id, note.as_deref(), now)? {
            return Err(FlagError::State);
        }
        let subject = match Subject::of(flag.subject, flag.subject_id) {
            None => format!("merchant {} flag {}", flag.merchant_id, flag.id),
            Some(s) => format!("{} {} of merchant {} flag {}", s.target().slug(), s.id(), flag.merchant_id, flag.id),
        };
        let detail = format!("{}: {}", decision.slug(), note.as_deref().unwrap_or(""));
        crate::service::audit::record(
            conn,
            who,
            AuditKind::FlagDecided,
            &subject,
            detail.trim_end_matches([':', ' ']),
            now,
        )?;
        Ok(flag.subject)
    })
}

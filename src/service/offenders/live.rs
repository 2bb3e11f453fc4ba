//! Repeat offenders among a merchant's hosts and products: the merchant's
//! thresholds (`config.policy.flags`), counted over the complaints that
//! name the host or the product, when one of them is filed, breached or
//! ruled on. Each subject has at most one open flag, raised once with its
//! reasons; the merchant's own flag and standing are not touched.

use chrono::{DateTime, Duration, Utc};

use super::{Trigger, reason_words, volume};
use crate::config::Config;
use crate::domain::offender::{Figures, Subject, reasons};
use crate::service::notify;
use crate::store::flags::live as flags;
use crate::store::{DbConnection, from_db, live};

/// The longer of the two deadlines: a breach is recorded at its due time,
/// at most this long after the complaint was filed (with the policy in
/// force now; a deadline lengthened since is not reached back for).
pub fn reach(config: &Config) -> Duration {
    config.policy.response.max(config.policy.resolution)
}

/// After `trigger` on a complaint naming `subject` (one of `merchant_id`'s;
/// `flagged`: it has an open flag): as [`super::after`] for the merchant,
/// the subject's open flag is left for the sweeper to keep current, only
/// the figure the trigger moves is counted, and the whole count runs only
/// once that one is met (a ruling always counts).
#[allow(clippy::too_many_arguments)]
pub fn after(
    conn: &mut DbConnection,
    merchant_id: i64,
    subject: Subject,
    trigger: Trigger,
    flagged: bool,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let t = &config.policy.flags;
    if trigger != Trigger::Ruling && flagged {
        return Ok(());
    }
    let since = now - t.window;
    let below = match trigger {
        Trigger::Breach => (flags::breach_count(conn, subject, since, reach(config))? as usize) < t.breaches,
        Trigger::NewComplaint => {
            (flags::complaint_count(conn, subject, since, volume(config))? as usize) < t.complaints
        }
        Trigger::Ruling => false,
    };
    if below {
        return Ok(());
    }
    evaluate(conn, merchant_id, subject, config, now)
}

/// `subject`'s figures over its window: `window` ago, or since its last
/// dismissal if that is later (a dismissed flag's evidence does not raise
/// the next one).
pub fn figures(
    conn: &mut DbConnection,
    subject: Subject,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Figures> {
    let window = config.policy.flags.window;
    let dismissed = flags::last_dismissed(conn, subject)?.map(from_db);
    let since = dismissed.map_or(now - window, |d| d.max(now - window));
    flags::figures_of(conn, subject, since, reach(config), volume(config))
}

/// Re-counts `subject`'s figures; raises its flag (the supervisors told
/// which host or product it is), or refreshes the open one, when a
/// threshold is met.
pub fn evaluate(
    conn: &mut DbConnection,
    merchant_id: i64,
    subject: Subject,
    config: &Config,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let t = &config.policy.flags;
    let found = reasons(&figures(conn, subject, config, now)?, t);
    if found.is_empty() {
        return Ok(());
    }
    let text = found.iter().map(|r| r.to_line()).collect::<Vec<_>>().join("\n");
    match flags::open_flag(conn, subject)? {
        Some(flag) => crate::store::flags::tripped(conn, &flag, &text, now),
        None => {
            let id = flags::raise(conn, merchant_id, subject, &text, now)?;
            let tr = crate::i18n::Lang::ZhCn.tr();
            let words: Vec<String> = found.iter().map(|r| reason_words(&tr, t.window.num_days(), r)).collect();
            let name = name_of(conn, subject)?;
            notify::flag_about(conn, config, merchant_id, (subject.target(), &name), id, &words, now)
        }
    }
}

/// The host's display name, the product's name.
fn name_of(conn: &mut DbConnection, subject: Subject) -> diesel::QueryResult<String> {
    Ok(match subject {
        Subject::Host(id) => live::find_host(conn, id)?.map(|h| h.display_name),
        Subject::Product(id) => live::find_product(conn, id)?.map(|p| p.name),
    }
    .unwrap_or_default())
}

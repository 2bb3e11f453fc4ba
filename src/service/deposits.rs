//! The deposit (保证金) as a use case: where a merchant stands, a
//! supervisor's top-up or adjustment (which lifts an automatic restriction
//! once the requirement is met again), advance compensation (先行赔付) paid
//! from it on a ruling, the requirement table, and the sweep that
//! restricts live selling once a top-up is overdue.
//!
//! Every write holds the merchant's ledger (`store::deposits::lock_merchant`)
//! for its transaction, so a balance read and what is decided from it stay
//! true together.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::action::ActionKind;
use crate::domain::amount::format_yuan;
use crate::domain::deposit::{self, Dated, EntryInvalid, EntryKind, Standing, UNLISTED};
use crate::domain::field::Invalid;
use crate::i18n::Lang;
use crate::service::{notify, webhooks};
use crate::store::actions;
use crate::store::deposits::{self as store, DueEntry, EntryRow, NewEntry};
use crate::store::merchants::{self, Merchant};
use crate::store::{DbConnection, complaints, from_db};

/// The sum of the merchant's ledger.
pub fn balance(conn: &mut DbConnection, merchant_id: i64) -> diesel::QueryResult<i64> {
    store::balance(conn, merchant_id)
}

/// What `merchant` must keep, from its categories and the table.
pub fn required(conn: &mut DbConnection, merchant: &Merchant) -> diesel::QueryResult<i64> {
    let mut keys: Vec<&str> = merchant.categories.0.iter().map(|c| c.slug()).collect();
    keys.push(UNLISTED);
    let table = store::requirements_of(conn, &keys)?;
    Ok(deposit::required_of(&merchant.categories, &table))
}

/// Where `merchant` stands: two small indexed reads (its requirement rows,
/// the sum of its entries).
pub fn standing_of(conn: &mut DbConnection, merchant: &Merchant) -> diesel::QueryResult<Standing> {
    Ok(Standing::new(store::balance(conn, merchant.id)?, required(conn, merchant)?))
}

/// Where the merchant `merchant_id` stands; `NotFound` if there is none.
pub fn standing(conn: &mut DbConnection, merchant_id: i64) -> diesel::QueryResult<Standing> {
    let merchant = merchants::find(conn, merchant_id)?.ok_or(diesel::result::Error::NotFound)?;
    standing_of(conn, &merchant)
}

/// The merchant's ledger as its pages show it.
pub struct Ledger {
    pub standing: Standing,
    /// In the order recorded.
    pub entries: Vec<EntryRow>,
    /// By when it must top up, while it is short after a compensation.
    pub top_up_due: Option<DateTime<Utc>>,
    /// Its actions taken automatically for a deposit left short.
    pub automatic: Vec<i64>,
}

pub fn ledger(conn: &mut DbConnection, merchant: &Merchant) -> diesel::QueryResult<Ledger> {
    let entries = store::ledger(conn, merchant.id)?;
    let balance = entries.iter().map(|e| e.amount_fen).sum();
    let standing = Standing::new(balance, required(conn, merchant)?);
    let dated = entries.iter().map(|e| Dated { amount_fen: e.amount_fen, top_up_due: e.top_up_due });
    let top_up_due = deposit::top_up_due(dated, standing.required).map(from_db);
    Ok(Ledger { standing, entries, top_up_due, automatic: store::automatic_actions(conn, merchant.id)? })
}

#[derive(Debug, thiserror::Error)]
pub enum DepositError {
    #[error("no such merchant")]
    NotFound,
    #[error("invalid entry: {0:?}")]
    Invalid(EntryInvalid),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A supervisor's top-up or adjustment, as typed; returns the entry's id.
/// When it brings the balance up to the requirement, the automatic
/// restriction in force (if any) is lifted in the same transaction.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    (kind, amount, note): (&str, &str, &str),
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, DepositError> {
    let entry = deposit::validate(kind, amount, note).map_err(DepositError::Invalid)?;
    conn.write(|conn| {
        let merchant = merchants::find(conn, merchant_id)?.ok_or(DepositError::NotFound)?;
        store::lock_merchant(conn, merchant_id)?;
        let new = NewEntry {
            merchant_id,
            kind: entry.kind,
            amount_fen: entry.fen,
            note: &entry.note,
            complaint_id: None,
            recorded_by: by,
            recorded_at: now,
            top_up_due: None,
        };
        let id = store::insert(conn, &new)?;
        let standing = standing_of(conn, &merchant)?;
        if standing.sufficient {
            lift_automatic(conn, config, merchant_id, standing, by, now)?;
        }
        Ok(id)
    })
}

/// Pays the consumer of complaint `complaint_id` `fen` (> 0) first from merchant `merchant_id`'s deposit, inside the
/// caller's write transaction: one `compensation` ledger entry of -fen tied to the complaint (the balance may go
/// below zero), top-up due at now + config top-up period (default 7 days), and the merchant is told (mail through
/// the outbox, as other merchant notices are) the amount, the complaint, and to top up by the due date.
/// Returns the entry id. A second call for the same complaint is refused by the unique index (returns the
/// diesel unique-violation error) — it never pays twice.
pub fn compensate(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    complaint_id: i64,
    fen: i64,
    by: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<i64> {
    if fen <= 0 {
        return Err(diesel::result::Error::QueryBuilderError("compensation must be more than zero".into()));
    }
    // A savepoint inside the caller's transaction: a refused second
    // payment leaves the caller's transaction usable (on PostgreSQL too).
    conn.write(|conn| {
        let complaint = complaints::find(conn, complaint_id)?;
        if complaint.merchant_id != merchant_id {
            return Err(diesel::result::Error::NotFound);
        }
        let merchant = merchants::find(conn, merchant_id)?.ok_or(diesel::result::Error::NotFound)?;
        store::lock_merchant(conn, merchant_id)?;
        let due = now + config.deposit_top_up;
        let new = NewEntry {
            merchant_id,
            kind: EntryKind::Compensation,
            amount_fen: -fen,
            note: "",
            complaint_id: Some(complaint_id),
            recorded_by: by,
            recorded_at: now,
            top_up_due: Some(due),
        };
        let id = store::insert(conn, &new)?;
        let standing = standing_of(conn, &merchant)?;
        notify::deposit_compensation(conn, config, &complaint, (id, fen), standing, due, now)?;
        Ok(id)
    })
}

/// Lifts the merchant's automatic restriction in force, if there is one:
/// its deposit meets the requirement again.
fn lift_automatic(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    standing: Standing,
    by: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Some((restriction, action)) = store::open_restriction(conn, merchant_id)? else { return Ok(()) };
    store::close_restriction(conn, restriction, now)?;
    let t = Lang::ZhCn.tr();
    let why = t.fmt(
        "deposit.lift_reason",
        &[("balance", &format_yuan(standing.balance)), ("required", &format_yuan(standing.required))],
    );
    if actions::end(conn, action, by, &why, false, now)? {
        notify::deposit_lifted(conn, config, merchant_id, restriction, &why, now)?;
    }
    Ok(())
}

/// Compensations looked at per query of the sweep.
const BATCH: i64 = 500;

/// The sweep's part: each compensation whose top-up fell due is looked at
/// once (its claim), one transaction each; a merchant still below its
/// requirement then gets one automatic restriction of live selling, with
/// the reason, unless one is in force. Returns how many were taken. Its
/// cost follows the compensations that fell due, not the ledger.
pub fn sweep(conn: &mut DbConnection, config: &Config, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    let mut taken = 0;
    loop {
        let due = store::due(conn, now, BATCH)?;
        if due.is_empty() {
            return Ok(taken);
        }
        for entry in due {
            if conn.write(|conn| restrict_if_short(conn, config, &entry, now))? {
                taken += 1;
            }
        }
    }
}

fn restrict_if_short(
    conn: &mut DbConnection,
    config: &Config,
    entry: &DueEntry,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    // Another sweep looked at it first.
    if !store::claim(conn, entry.id, now)? {
        return Ok(false);
    }
    let Some(merchant) = merchants::find(conn, entry.merchant_id)? else { return Ok(false) };
    store::lock_merchant(conn, merchant.id)?;
    let standing = standing_of(conn, &merchant)?;
    if standing.sufficient {
        return Ok(false);
    }
    if let Some((restriction, action)) = store::open_restriction(conn, merchant.id)? {
        if !store::action_ended(conn, action)? {
            return Ok(false);
        }
        // Lifted by a supervisor, or reversed on appeal: no longer in force.
        store::close_restriction(conn, restriction, now)?;
    }
    let reference = match entry.complaint_id {
        Some(id) => complaints::find(conn, id)?.reference,
        None => String::new(),
    };
    let t = Lang::ZhCn.tr();
    let due = entry.top_up_due.map(from_db).unwrap_or(now);
    let why = t.fmt(
        "deposit.restriction_reason",
        &[
            ("reference", &reference),
            ("paid", &format_yuan(-entry.amount_fen)),
            ("due", &t.time(config.tz, due)),
            ("balance", &format_yuan(standing.balance)),
            ("required", &format_yuan(standing.required)),
            ("shortfall", &format_yuan(standing.shortfall)),
        ],
    );
    // Taken in the name of the supervisor whose compensation it follows
    // (the column needs a person); the pages say it was automatic.
    let action = actions::insert(conn, merchant.id, ActionKind::RestrictLive, None, &why, entry.recorded_by, now)?;
    store::insert_restriction(conn, merchant.id, action, entry.id)?;
    notify::action(conn, config, merchant.id, action, ActionKind::RestrictLive, None, &why, now)?;
    let taken = webhooks::Taken {
        action_id: action,
        kind: ActionKind::RestrictLive,
        target_id: None,
        points: None,
        reason: &why,
    };
    webhooks::action_taken(conn, merchant.id, &taken, now)?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
pub enum RequirementError {
    #[error("no such category")]
    Category,
    #[error("invalid amount: {0:?}")]
    Amount(Invalid),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Sets what `category` requires (`none`: a merchant that named none);
/// returns the requirement it replaced.
pub fn set_requirement(
    conn: &mut DbConnection,
    category: &str,
    amount: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, RequirementError> {
    let category = deposit::requirement_keys().find(|k| *k == category.trim()).ok_or(RequirementError::Category)?;
    let fen = deposit::parse_requirement(amount).map_err(RequirementError::Amount)?;
    conn.write(|conn| Ok(store::set_requirement(conn, category, fen, by, now)?))
}

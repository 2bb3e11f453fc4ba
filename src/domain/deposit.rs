//! The deposit (保证金) a merchant keeps with the platform: what its
//! categories require, the entries of its ledger as a supervisor types
//! them, and where the merchant stands. Money is integer fen; the balance
//! is the sum of the entries (see `store::deposits`).

use chrono::NaiveDateTime;

use super::amount::{AmountError, MAX_FEN, parse_yuan};
use super::field::Invalid;
use super::merchant::{SoldCategories, SoldCategory};
use super::text;

crate::slug_enum! {
    #[catalog("deposit.kind_")]
    /// What an entry of the ledger is.
    pub enum EntryKind {
        /// Money paid in by the merchant (> 0).
        TopUp => "top_up",
        /// A correction by a supervisor, either way, with its reason.
        Adjustment => "adjustment",
        /// Paid to a consumer from the deposit on a ruling (< 0), tied to
        /// its complaint.
        Compensation => "compensation",
    }
}

impl EntryKind {
    /// The kinds a supervisor records by hand (a compensation comes from a ruling).
    pub const BY_HAND: &'static [EntryKind] = &[EntryKind::TopUp, EntryKind::Adjustment];
}

/// The requirement's key for a merchant that has named no category.
pub const UNLISTED: &str = "none";

/// The longest note or reason kept with an entry.
pub const MAX_NOTE: usize = 500;

/// What a merchant must keep: the largest requirement of its categories,
/// or the `none` row's when it has named none (or a category has no row).
pub fn required_of(categories: &SoldCategories, table: &[(String, i64)]) -> i64 {
    let of = |key: &str| table.iter().find(|(k, _)| k == key).map(|(_, fen)| *fen);
    let unlisted = of(UNLISTED).unwrap_or(0);
    categories.0.iter().map(|c| of(c.slug()).unwrap_or(unlisted)).max().unwrap_or(unlisted)
}

/// Every key of the requirement table, in the order the page lists them.
pub fn requirement_keys() -> impl Iterator<Item = &'static str> {
    std::iter::once(UNLISTED).chain(SoldCategory::ALL.iter().map(|c| c.slug()))
}

/// Where a merchant's deposit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The sum of its entries (below zero when compensation outran it).
    pub balance: i64,
    pub required: i64,
    /// The balance is at least the requirement.
    pub sufficient: bool,
    /// What the merchant owes the platform: the part of compensation paid
    /// beyond its deposit (zero unless the balance is below zero).
    pub owed: i64,
    /// What it must top up to meet the requirement again.
    pub shortfall: i64,
}

impl Standing {
    pub fn new(balance: i64, required: i64) -> Standing {
        Standing {
            balance,
            required,
            sufficient: balance >= required,
            owed: (-balance).max(0),
            shortfall: (required - balance).max(0),
        }
    }
}

/// One entry as the due date needs it: its amount, and its top-up due time.
pub struct Dated {
    pub amount_fen: i64,
    pub top_up_due: Option<NaiveDateTime>,
}

/// By when the merchant must top up: the earliest top-up due time of the
/// compensations paid since its balance last met `required`, or `None`
/// when it meets it now. `entries` in the order they were recorded.
pub fn top_up_due(entries: impl IntoIterator<Item = Dated>, required: i64) -> Option<NaiveDateTime> {
    let (mut balance, mut due) = (0i64, None);
    for e in entries {
        balance += e.amount_fen;
        if balance >= required {
            due = None;
        } else if due.is_none() {
            due = e.top_up_due;
        }
    }
    due
}

/// Why an entry typed by a supervisor was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryInvalid {
    /// Neither `top_up` nor `adjustment`.
    Kind,
    /// Not an amount of yuan (at most two decimals).
    Amount(Invalid),
    /// A top-up of zero or less.
    TopUpNotPositive,
    /// An adjustment of zero.
    AdjustmentZero,
    /// The note (an adjustment's reason).
    Note(Invalid),
}

/// An entry as the form sends it: `kind`, `amount` (yuan; an adjustment
/// may start with `-`), `note`.
#[derive(Debug, Clone)]
pub struct ValidEntry {
    pub kind: EntryKind,
    pub fen: i64,
    pub note: String,
}

/// Yuan with an optional sign ("-50", "−50.5", "+20").
pub fn parse_signed_yuan(raw: &str) -> Result<i64, Invalid> {
    let raw = raw.trim();
    let (negative, rest) = match raw.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    match parse_yuan(rest) {
        Ok(fen) if negative => Ok(-fen),
        Ok(fen) => Ok(fen),
        Err(AmountError::TooLarge) => Err(Invalid::AmountTooLarge),
        Err(AmountError::Invalid) if raw.is_empty() => Err(Invalid::Required),
        Err(AmountError::Invalid) => Err(Invalid::Amount),
    }
}

/// Checks the form: a top-up is positive (its note optional), an
/// adjustment non-zero and needs a reason.
pub fn validate(kind: &str, amount: &str, note: &str) -> Result<ValidEntry, EntryInvalid> {
    let kind =
        EntryKind::from_slug(kind.trim()).filter(|k| EntryKind::BY_HAND.contains(k)).ok_or(EntryInvalid::Kind)?;
    let fen = parse_signed_yuan(amount).map_err(EntryInvalid::Amount)?;
    match kind {
        EntryKind::TopUp if fen <= 0 => return Err(EntryInvalid::TopUpNotPositive),
        EntryKind::Adjustment if fen == 0 => return Err(EntryInvalid::AdjustmentZero),
        _ => {}
    }
    let note = match (kind, note.trim()) {
        (EntryKind::TopUp, "") => Ok(String::new()),
        (EntryKind::TopUp, raw) => text::clean(raw, 1, MAX_NOTE, true),
        (_, raw) => text::clean_shown(raw, 2, MAX_NOTE, true),
    }
    .map_err(|e| EntryInvalid::Note(e.into()))?;
    Ok(ValidEntry { kind, fen, note })
}

/// A requirement as a supervisor types it: yuan, zero to [`MAX_FEN`].
pub fn parse_requirement(raw: &str) -> Result<i64, Invalid> {
    match parse_yuan(raw) {
        Ok(fen) if fen <= MAX_FEN => Ok(fen),
        Ok(_) | Err(AmountError::TooLarge) => Err(Invalid::AmountTooLarge),
        Err(AmountError::Invalid) if raw.trim().is_empty() => Err(Invalid::Required),
        Err(AmountError::Invalid) => Err(Invalid::Amount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<(String, i64)> {
        [("none", 200_000), ("general", 200_000), ("food", 1_000_000), ("drugs", 5_000_000)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }

    #[test]
    fn the_requirement_is_the_largest_of_the_categories() {
        let cats = |s: &str| SoldCategories::from_text(s).unwrap();
        assert_eq!(required_of(&cats("general,food"), &table()), 1_000_000);
        assert_eq!(required_of(&cats("drugs,general"), &table()), 5_000_000);
        assert_eq!(required_of(&cats(""), &table()), 200_000, "none named: the default");
        assert_eq!(required_of(&cats("apparel"), &table()), 200_000, "no row: the default");
        assert_eq!(requirement_keys().count(), SoldCategory::ALL.len() + 1);
    }

    #[test]
    fn standing_says_what_is_owed_and_short() {
        let s = Standing::new(-30_000, 200_000);
        assert_eq!((s.sufficient, s.owed, s.shortfall), (false, 30_000, 230_000));
        let s = Standing::new(250_000, 200_000);
        assert_eq!((s.sufficient, s.owed, s.shortfall), (true, 0, 0));
        assert!(Standing::new(200_000, 200_000).sufficient);
    }

    #[test]
    fn the_due_date_is_the_first_compensation_since_the_deposit_was_met() {
        let at = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let e = |fen, due: Option<u32>| Dated { amount_fen: fen, top_up_due: due.map(at) };
        let paid = [e(200_000, None), e(-50_000, Some(3)), e(-10_000, Some(5))];
        assert_eq!(top_up_due(paid, 200_000), Some(at(3)));
        let topped = [e(200_000, None), e(-50_000, Some(3)), e(50_000, None), e(-10_000, Some(9))];
        assert_eq!(top_up_due(topped, 200_000), Some(at(9)));
        assert_eq!(top_up_due([e(200_000, None), e(-5, Some(3)), e(5, None)], 200_000), None);
    }

    #[test]
    fn entries_are_checked_by_kind() {
        let ok = validate("top_up", "2,000", "").unwrap();
        assert_eq!((ok.kind, ok.fen, ok.note.as_str()), (EntryKind::TopUp, 200_000, ""));
        assert_eq!(validate("adjustment", "-50.5", "银行退票").unwrap().fen, -5050);
        assert_eq!(validate("adjustment", "+20", "补记").unwrap().fen, 2000);
        assert_eq!(validate("adjustment", "-50", "").unwrap_err(), EntryInvalid::Note(Invalid::Required));
        assert_eq!(validate("adjustment", "0", "原因").unwrap_err(), EntryInvalid::AdjustmentZero);
        assert_eq!(validate("top_up", "-5", "").unwrap_err(), EntryInvalid::TopUpNotPositive);
        assert_eq!(validate("top_up", "0", "").unwrap_err(), EntryInvalid::TopUpNotPositive);
        assert_eq!(validate("compensation", "5", "x").unwrap_err(), EntryInvalid::Kind);
        assert_eq!(validate("top_up", "", "").unwrap_err(), EntryInvalid::Amount(Invalid::Required));
        assert_eq!(validate("top_up", "5元", "").unwrap_err(), EntryInvalid::Amount(Invalid::Amount));
        assert_eq!(validate("top_up", "--5", "").unwrap_err(), EntryInvalid::Amount(Invalid::Amount));
        assert_eq!(validate("top_up", "99999999999", "").unwrap_err(), EntryInvalid::Amount(Invalid::AmountTooLarge));
        let long = "长".repeat(MAX_NOTE + 1);
        assert_eq!(validate("top_up", "5", &long).unwrap_err(), EntryInvalid::Note(Invalid::TooLong { max: MAX_NOTE }));
    }

    #[test]
    fn requirements_are_yuan_from_zero() {
        assert_eq!(parse_requirement("0"), Ok(0));
        assert_eq!(parse_requirement("50,000"), Ok(5_000_000));
        assert_eq!(parse_requirement("-1"), Err(Invalid::Amount));
        assert_eq!(parse_requirement(" "), Err(Invalid::Required));
        assert_eq!(parse_requirement("1000000.01"), Err(Invalid::AmountTooLarge));
    }
}

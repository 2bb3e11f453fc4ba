//! A merchant's deposit as its pages show it, to the merchant and to
//! supervisors (`templates/_deposit.html`): the balance
//! (`data-deposit-balance`, integer fen), the requirement, what is short
//! or owed and by when, and the ledger, each entry with who, when and why.

use chrono_tz::Tz;

use crate::domain::deposit::EntryKind;
use crate::i18n::Tr;
use crate::service::deposits::Ledger;
use crate::store::from_db;
use crate::web::view::{self, TimeView, money};

/// Who reads the ledger: supervisors see who recorded each entry and
/// open a complaint on their side; the merchant sees "the platform".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Supervisor,
    Merchant,
}

pub struct EntryLine {
    pub kind: &'static str,
    pub kind_label: String,
    /// Signed yuan ("+¥2000.00", "-¥300.00").
    pub amount: String,
    pub amount_fen: i64,
    pub note: String,
    pub recorded: TimeView,
    pub by: String,
    /// The complaint it paid, and where it opens.
    pub complaint: Option<(String, String)>,
    pub top_up_due: Option<TimeView>,
}

pub struct DepositView {
    pub balance_fen: i64,
    pub balance: String,
    pub required: String,
    pub sufficient: bool,
    /// What is short of the requirement, in words, when it is.
    pub short: Option<String>,
    /// What the merchant owes (the balance below zero), in words.
    pub owed: Option<String>,
    pub top_up_due: Option<TimeView>,
    /// Newest first.
    pub entries: Vec<EntryLine>,
}

fn signed(fen: i64) -> String {
    if fen < 0 { format!("-{}", money(-fen)) } else { format!("+{}", money(fen)) }
}

impl DepositView {
    pub fn of(t: &Tr, tz: Tz, ledger: &Ledger, reader: Reader) -> DepositView {
        let s = ledger.standing;
        let complaint_href = |r: &str| match reader {
            Reader::Supervisor => format!("/supervisor/complaints/{r}"),
            Reader::Merchant => format!("/merchant/complaints/{r}"),
        };
        let entries = ledger
            .entries
            .iter()
            .rev()
            .map(|e| EntryLine {
                kind: e.kind.slug(),
                kind_label: t.get(e.kind.key()).to_owned(),
                amount: signed(e.amount_fen),
                amount_fen: e.amount_fen,
                note: e.note.clone(),
                recorded: view::time(t, tz, from_db(e.recorded_at)),
                by: match reader {
                    Reader::Supervisor => e.recorded_by.clone(),
                    Reader::Merchant => t.get("deposit.by_platform").to_owned(),
                },
                complaint: e.complaint.as_ref().map(|r| (r.clone(), complaint_href(r))),
                top_up_due: (e.kind == EntryKind::Compensation)
                    .then_some(e.top_up_due)
                    .flatten()
                    .map(|at| view::time(t, tz, from_db(at))),
            })
            .collect();
        DepositView {
            balance_fen: s.balance,
            balance: if s.balance < 0 { format!("-{}", money(-s.balance)) } else { money(s.balance) },
            required: money(s.required),
            sufficient: s.sufficient,
            short: (!s.sufficient).then(|| t.fmt("deposit.short", &[("amount", &money(s.shortfall))])),
            owed: (s.owed > 0).then(|| t.fmt("deposit.owed", &[("amount", &money(s.owed))])),
            top_up_due: ledger.top_up_due.filter(|_| !s.sufficient).map(|at| view::time(t, tz, at)),
            entries,
        }
    }
}

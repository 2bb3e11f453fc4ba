//! A complaint's relief as a page shows it: what the consumer was given,
//! and for money whether they said it arrived — to the consumer with the
//! question to answer, to staff in the third person.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::event::Viewer;
use crate::domain::relief::ReliefKind;
use crate::i18n::Tr;
use crate::store::from_db;
use crate::store::reliefs::ReliefRow;
use crate::web::view::{self, TimeView};

pub struct ReliefView {
    /// `monetary`, `non_monetary`, `explanation` (`data-relief`).
    pub kind: &'static str,
    /// "退款 ¥199.00（其中 ¥50.00 由平台先行赔付）".
    pub words: String,
    pub recorded: TimeView,
    /// For money: `confirmed`, `not_delivered` or `unconfirmed`
    /// (`data-relief-status`); empty otherwise.
    pub status: &'static str,
    /// That status in words, for the reader.
    pub status_words: String,
    /// The consumer may answer now whether it arrived.
    pub can_answer: bool,
}

impl ReliefView {
    pub fn new(t: &Tr, tz: Tz, row: &ReliefRow, viewer: Viewer, now: DateTime<Utc>) -> ReliefView {
        let ask = row.ask_at.map(|at| t.time(tz, from_db(at))).unwrap_or_default();
        let staff = viewer != Viewer::Consumer;
        let (status, key) = match (row.kind, row.received) {
            (ReliefKind::Monetary, Some(true)) => ("confirmed", "relief.status_confirmed"),
            (ReliefKind::Monetary, Some(false)) => ("not_delivered", "relief.status_not_delivered"),
            (ReliefKind::Monetary, None) if staff => ("unconfirmed", "relief.status_unconfirmed_staff"),
            (ReliefKind::Monetary, None) => ("unconfirmed", "relief.status_unconfirmed"),
            _ => ("", ""),
        };
        let can_answer = !staff && crate::service::relief::answerable(Some(row), now).is_ok();
        let status_words = match (status, can_answer) {
            ("", _) => String::new(),
            ("unconfirmed", true) => t.get("relief.question").to_owned(),
            _ => t.fmt(key, &[("ask", &ask)]),
        };
        ReliefView {
            kind: row.kind.slug(),
            words: t.relief(&row.relief()),
            recorded: view::time(t, tz, from_db(row.recorded_at)),
            status,
            status_words,
            can_answer,
        }
    }
}

/// Monetary relief in figures (the scorecard's and the overview's): what
/// consumers confirmed, what nobody confirmed, what they said never came,
/// and what the platform paid first from deposits. Each line is
/// (count, money in words, count in words).
pub struct ReliefFigures {
    /// Money consumers confirmed they got back, fen (`data-money-returned`).
    pub returned_fen: i64,
    pub confirmed: (i64, String, String),
    pub unconfirmed: (i64, String, String),
    pub not_delivered: (i64, String, String),
    pub compensation: String,
}

impl ReliefFigures {
    pub fn new(t: &Tr, totals: &crate::store::reliefs::ReliefTotals) -> Self {
        let line = |n: i64, fen: i64| (n, view::money(fen), t.fmt("relief.figures_count", &[("n", &n)]));
        ReliefFigures {
            returned_fen: totals.confirmed_fen,
            confirmed: line(totals.confirmed, totals.confirmed_fen),
            unconfirmed: line(totals.unconfirmed, totals.unconfirmed_fen),
            not_delivered: line(totals.not_delivered, totals.not_delivered_fen),
            compensation: view::money(totals.compensation_fen),
        }
    }
}

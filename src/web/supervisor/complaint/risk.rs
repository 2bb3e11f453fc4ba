//! What machine discovery found in a complaint, as the supervisors' pages
//! show it: the rules matched with their words, the description with those
//! words marked (as the consumer typed them), the flag and its dismissal.

use chrono_tz::Tz;

use crate::domain::risk::{self, RiskState};
use crate::i18n::Tr;
use crate::store::complaints::Complaint;
use crate::store::from_db;
use crate::web::view::{self, TimeView};

/// A rule that matched: its label and the words found.
pub struct MatchedView {
    pub label: String,
    pub words: Vec<String>,
}

pub struct RiskView {
    /// `high`, `dismissed`, or empty below the threshold.
    pub state: &'static str,
    pub state_label: String,
    pub score: i32,
    /// "风险分 60（阈值 50）".
    pub score_text: String,
    pub matched: Vec<MatchedView>,
    /// The description in pieces, `true` where a matched word is.
    pub description: Vec<(String, bool)>,
    /// Why it was dismissed, and when.
    pub note: Option<String>,
    pub decided: Option<TimeView>,
}

/// The rules `c` matched, with their words.
pub fn matched(c: &Complaint) -> Vec<MatchedView> {
    risk::decode(c.risk_matches.as_deref())
        .matched
        .into_iter()
        .map(|m| MatchedView { label: m.label, words: m.words })
        .collect()
}

impl RiskView {
    /// `None` when the complaint matched no rule.
    pub fn of(t: &Tr, tz: Tz, threshold: i32, c: &Complaint) -> Option<RiskView> {
        let assessed = risk::decode(c.risk_matches.as_deref());
        if assessed.matched.is_empty() {
            return None;
        }
        let description = risk::highlight(&c.description, &assessed)
            .into_iter()
            .map(|(piece, marked)| (piece.to_owned(), marked))
            .collect();
        Some(RiskView {
            state: c.risk_state.map_or("", RiskState::slug),
            state_label: t.get(c.risk_state.map_or("risk.state_low", RiskState::key)).to_owned(),
            score: c.risk_score,
            score_text: t.fmt("risk.score", &[("n", &c.risk_score), ("threshold", &threshold)]),
            matched: matched(c),
            description,
            note: c.risk_note.clone(),
            decided: c.risk_decided_at.map(|at| view::time(t, tz, from_db(at))),
        })
    }
}

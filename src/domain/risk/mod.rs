//! Machine discovery (DESIGN.md): risk rules, each a label and a weight,
//! matching words or phrases in what the consumer wrote, or one of the
//! built-in conditions (a regulated product, an amount over a threshold,
//! a category). A complaint's score is the sum of the weights of the rules
//! it matched; one whose score reaches the threshold is flagged `high` and
//! is in the supervisors' queue at once. Pure: the rules come from the
//! store, the flag is written by `service::risk`.

pub mod form;
mod matches;

pub use matches::{decode, encode, highlight};

use crate::domain::category::Category;
use crate::domain::live::ProductCategory;
use crate::domain::matching::Dictionary;

/// `REDRESS_RISK_THRESHOLD`'s default: a health claim (40) with an older
/// consumer (20) reaches it, either alone does not; luring the consumer off
/// the platform (50) reaches it alone.
pub const DEFAULT_THRESHOLD: i32 = 50;

crate::slug_enum! {
    #[catalog("rules.kind_")]
    /// What a rule matches.
    pub enum RuleKind {
        /// Any of its words or phrases, in the description or a reply.
        Words => "words",
        /// The complaint names a product of a regulated category.
        RegulatedProduct => "regulated_product",
        /// The amount in dispute is over the rule's threshold.
        AmountOver => "amount_over",
        /// The complaint is of the rule's category.
        Category => "category",
    }
}

crate::slug_enum! {
    #[catalog("risk.state_")]
    /// A complaint's risk flag (`complaints.risk_state`; none below the
    /// threshold).
    pub enum RiskState {
        /// In the high-risk part of the supervisors' queue.
        High => "high",
        /// A supervisor looked and dismissed it, with a reason.
        Dismissed => "dismissed",
    }
}

/// A rule as scoring reads it (active ones only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: i64,
    pub kind: RuleKind,
    pub label: String,
    /// For [`RuleKind::Words`]: the words or phrases, as the rule spells them.
    pub words: Vec<String>,
    /// For [`RuleKind::AmountOver`].
    pub threshold_fen: Option<i64>,
    /// For [`RuleKind::Category`].
    pub category: Option<Category>,
    pub weight: i32,
}

/// The words of a rule's pattern: one a line, trimmed, blank lines and
/// repeats left out.
pub fn words_of(pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in pattern.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|w| w == line) {
            out.push(line.to_owned());
        }
    }
    out
}

/// What a complaint is scored on.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The description (or, when a reply is scored, the reply).
    pub text: &'a str,
    pub category: Category,
    pub amount_fen: Option<i64>,
    /// The category of the product the complaint names, if any.
    pub product: Option<ProductCategory>,
}

/// A rule that matched: its id, weight and label when it matched, and the
/// words found, as the rule spells them (none for a built-in condition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub rule_id: i64,
    pub weight: i32,
    pub label: String,
    pub words: Vec<String>,
}

/// The rules a complaint matched, in the rules' order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    pub matched: Vec<Matched>,
}

impl Assessment {
    /// The sum of the matched rules' weights.
    pub fn score(&self) -> i32 {
        self.matched.iter().fold(0i32, |sum, m| sum.saturating_add(m.weight))
    }

    /// Adds what `more` matched: a rule not matched yet counts with its
    /// weight, words of one already matched join its words. Returns
    /// whether a rule was added (the score rose).
    pub fn merge(&mut self, more: Assessment) -> bool {
        let mut rose = false;
        for m in more.matched {
            match self.matched.iter_mut().find(|had| had.rule_id == m.rule_id) {
                Some(had) => {
                    for w in m.words {
                        if !had.words.contains(&w) {
                            had.words.push(w);
                        }
                    }
                }
                None => {
                    rose = true;
                    self.matched.push(m);
                }
            }
        }
        rose
    }
}

/// The flag a score gives at intake: `high` when it reaches `threshold`.
pub fn flag_at_intake(score: i32, threshold: i32) -> Option<RiskState> {
    (score >= threshold).then_some(RiskState::High)
}

/// The flag after a reply was scored: a complaint not flagged yet is
/// flagged once its score reaches the threshold; a dismissed one again
/// only if the reply matched a rule it had not (so the supervisor sees
/// what is new); a flagged one stays flagged.
pub fn flag_after_reply(before: Option<RiskState>, score: i32, threshold: i32, rose: bool) -> Option<RiskState> {
    match before {
        None => flag_at_intake(score, threshold),
        Some(RiskState::Dismissed) if rose && score >= threshold => Some(RiskState::High),
        kept => kept,
    }
}

/// The active rules, ready to score with: their words in one dictionary,
/// so that a text is read once however many rules there are.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Each word's rule and its place among the rule's words.
    words: Dictionary<(usize, usize)>,
}

impl RuleSet {
    pub fn new(rules: Vec<Rule>) -> RuleSet {
        let words = Dictionary::new(rules.iter().enumerate().flat_map(|(r, rule)| {
            let words = if rule.kind == RuleKind::Words { &rule.words[..] } else { &[] };
            words.iter().enumerate().map(move |(w, word)| (word.as_str(), (r, w)))
        }));
        RuleSet { rules, words }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// What a new complaint matches: words in its description and the
    /// built-in conditions.
    pub fn assess(&self, s: &Subject<'_>) -> Assessment {
        self.matching(s.text, |rule| match rule.kind {
            RuleKind::Words => false,
            RuleKind::RegulatedProduct => s.product.is_some_and(ProductCategory::is_regulated),
            RuleKind::AmountOver => matches!((s.amount_fen, rule.threshold_fen), (Some(a), Some(t)) if a > t),
            RuleKind::Category => rule.category == Some(s.category),
        })
    }

    /// What a consumer's reply matches: words only (the conditions were
    /// scored at intake).
    pub fn assess_text(&self, text: &str) -> Assessment {
        self.matching(text, |_| false)
    }

    fn matching(&self, text: &str, condition: impl Fn(&Rule) -> bool) -> Assessment {
        let mut found: Vec<Vec<usize>> = vec![Vec::new(); self.rules.len()];
        for span in self.words.all(text) {
            let (r, w) = span.tag;
            if !found[r].contains(&w) {
                found[r].push(w);
            }
        }
        let matched = self
            .rules
            .iter()
            .zip(found)
            .filter(|(rule, words)| !words.is_empty() || condition(rule))
            .map(|(rule, mut words)| {
                words.sort_unstable();
                Matched {
                    rule_id: rule.id,
                    weight: rule.weight,
                    label: rule.label.clone(),
                    words: words.into_iter().map(|w| rule.words[w].clone()).collect(),
                }
            })
            .collect();
        Assessment { matched }
    }
}

#[cfg(test)]
mod tests;

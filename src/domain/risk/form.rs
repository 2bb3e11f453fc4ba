//! The supervisors' rule form (`/supervisor/rules`), as typed, and its
//! validation: every field checked at once, each error next to its field.
//! A new rule matches words; a built-in condition's rule is edited with
//! the value it compares (the amount, the category) instead.

use super::{RuleKind, words_of};
use crate::domain::category::Category;
use crate::domain::complaint::{Field, FieldErrors, Invalid, check, choice, optional_amount};
use crate::domain::text;

pub const LABEL_MAX: usize = 40;
/// A rule holds at most this many words or phrases …
pub const WORDS_MAX: usize = 100;
/// … of at most this many characters each.
pub const WORD_MAX: usize = 30;
pub const WEIGHT_MIN: i32 = 1;
pub const WEIGHT_MAX: i32 = 100;
/// A dismissal's reason, in characters.
pub const REASON_MIN: usize = 2;
pub const REASON_MAX: usize = 500;

/// The rule form exactly as typed; kept to show it again on error.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub label: String,
    pub pattern: String,
    pub weight: String,
    /// For an `amount_over` rule: yuan.
    pub amount: String,
    /// For a `category` rule: the category's slug.
    pub category: String,
    /// The edit form's checkbox: sent (any value) while the rule is on.
    /// The add form has none: a new rule is active.
    pub active: Option<String>,
}

/// A rule that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRule {
    pub label: String,
    /// The words, one a line, as stored (`pattern`).
    pub pattern: String,
    pub weight: i32,
    pub threshold_fen: Option<i64>,
    pub category: Option<Category>,
    pub active: bool,
}

fn weight(raw: &str) -> Result<i32, Invalid> {
    match raw.trim() {
        "" => Err(Invalid::Required),
        w => w.parse::<i32>().ok().filter(|w| (WEIGHT_MIN..=WEIGHT_MAX).contains(w)).ok_or(Invalid::RiskWeight),
    }
}

/// The words, one a line: at least one, each short, no tabs.
fn pattern(raw: &str) -> Result<String, Invalid> {
    let cleaned = text::clean_shown(raw, 1, WORDS_MAX * (WORD_MAX + 2), true).map_err(Invalid::from)?;
    let words = words_of(&cleaned);
    let fits = |w: &String| w.chars().count() <= WORD_MAX && !w.contains('\t');
    if words.is_empty() || words.len() > WORDS_MAX || !words.iter().all(fits) {
        return Err(Invalid::RiskWords);
    }
    Ok(words.join("\n"))
}

impl RuleForm {
    /// The rule of `kind` as typed.
    pub fn validate(&self, kind: RuleKind) -> Result<ValidRule, FieldErrors> {
        let mut errors = FieldErrors::default();
        let label = check(
            &mut errors,
            Field::Label,
            text::clean_shown(&self.label, 2, LABEL_MAX, false).map_err(Invalid::from),
        );
        let pattern = match kind {
            RuleKind::Words => check(&mut errors, Field::Pattern, pattern(&self.pattern)),
            _ => Some(String::new()),
        };
        let weight = check(&mut errors, Field::Weight, weight(&self.weight));
        let threshold_fen = match kind {
            RuleKind::AmountOver => {
                let amount = optional_amount(&self.amount).and_then(|a| a.ok_or(Invalid::Required));
                check(&mut errors, Field::Amount, amount).map(Some)
            }
            _ => Some(None),
        };
        let category = match kind {
            RuleKind::Category => {
                check(&mut errors, Field::Category, choice(&self.category, Category::from_slug)).map(Some)
            }
            _ => Some(None),
        };
        match (label, pattern, weight, threshold_fen, category) {
            (Some(label), Some(pattern), Some(weight), Some(threshold_fen), Some(category)) if errors.is_empty() => {
                Ok(ValidRule { label, pattern, weight, threshold_fen, category, active: self.active.is_some() })
            }
            _ => Err(errors),
        }
    }
}

/// A dismissal's reason, checked.
pub fn reason(raw: &str) -> Result<String, FieldErrors> {
    text::clean_shown(raw, REASON_MIN, REASON_MAX, true).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add(Field::Reason, e.into());
        errors
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(label: &str, pattern: &str, weight: &str) -> RuleForm {
        RuleForm { label: label.into(), pattern: pattern.into(), weight: weight.into(), ..RuleForm::default() }
    }

    #[test]
    fn a_words_rule_is_label_words_and_weight() {
        let valid = form(" 保健品夸大 ", "神药\n\n 包好 \n神药", "35").validate(RuleKind::Words).unwrap();
        assert_eq!(valid.label, "保健品夸大");
        assert_eq!(valid.pattern, "神药\n包好");
        assert_eq!(valid.weight, 35);
        assert!(!valid.active, "the add form's rule is made active by the service");
    }

    #[test]
    fn every_field_is_checked_at_once() {
        let errors = form("", "", "abc").validate(RuleKind::Words).unwrap_err();
        assert_eq!(errors.get(Field::Label), Some(Invalid::Required));
        assert_eq!(errors.get(Field::Pattern), Some(Invalid::Required));
        assert_eq!(errors.get(Field::Weight), Some(Invalid::RiskWeight));
        for w in ["0", "101", "-5", "1.5"] {
            assert_eq!(
                form("标签", "词", w).validate(RuleKind::Words).unwrap_err().get(Field::Weight),
                Some(Invalid::RiskWeight)
            );
        }
        let long = "长".repeat(WORD_MAX + 1);
        assert_eq!(
            form("标签", &long, "5").validate(RuleKind::Words).unwrap_err().get(Field::Pattern),
            Some(Invalid::RiskWords)
        );
        assert_eq!(
            form("标签", "a\tb", "5").validate(RuleKind::Words).unwrap_err().get(Field::Pattern),
            Some(Invalid::RiskWords)
        );
    }

    #[test]
    fn built_in_conditions_take_their_value_instead_of_words() {
        let amount = RuleForm { amount: "2000".into(), active: Some("on".into()), ..form("大额", "", "10") };
        let valid = amount.validate(RuleKind::AmountOver).unwrap();
        assert_eq!((valid.threshold_fen, valid.pattern.as_str(), valid.active), (Some(200_000), "", true));
        let missing = form("大额", "", "10").validate(RuleKind::AmountOver).unwrap_err();
        assert_eq!(missing.get(Field::Amount), Some(Invalid::Required));
        let category = RuleForm { category: "counterfeit".into(), ..form("假货", "", "10") };
        assert_eq!(category.validate(RuleKind::Category).unwrap().category, Some(Category::Counterfeit));
        let unknown = RuleForm { category: "nope".into(), ..form("假货", "", "10") };
        assert_eq!(
            unknown.validate(RuleKind::Category).unwrap_err().get(Field::Category),
            Some(Invalid::UnknownChoice)
        );
        assert!(form("受监管", "", "20").validate(RuleKind::RegulatedProduct).is_ok());
    }

    #[test]
    fn a_dismissal_needs_a_reason() {
        assert_eq!(reason("  ").unwrap_err().get(Field::Reason), Some(Invalid::Required));
        assert_eq!(reason("核实为正常投诉").unwrap(), "核实为正常投诉");
    }
}

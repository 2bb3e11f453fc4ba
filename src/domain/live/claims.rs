//! Risky wording in a product's claims (宣传卖点): cure words, guaranteed
//! results, "no side effects" and, for health food, disease names. A pure
//! scan returning byte spans on the original text, so a page can mark
//! them; full-width and half-width forms, Latin letters in any case and
//! traditional and simplified characters match alike (`matching`).

use std::sync::LazyLock;

use super::ProductCategory;
use crate::domain::matching::{self, Dictionary};

/// Which rule a span matched: also the `data-risk` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    Cure,
    Guarantee,
    NoSideEffects,
    Disease,
}

impl Risk {
    pub fn slug(self) -> &'static str {
        match self {
            Risk::Cure => "cure",
            Risk::Guarantee => "guarantee",
            Risk::NoSideEffects => "no_side_effects",
            Risk::Disease => "disease",
        }
    }
}

/// One match, its rule the tag.
pub type Span = matching::Span<Risk>;

const CURE: &[&str] = &["治愈", "根治", "包治", "治疗", "药到病除", "cures", "cure", "heals", "heal"];
const GUARANTEE: &[&str] = &["保证有效", "百分百", "100%有效", "无效退款", "guaranteed"];
const NO_SIDE_EFFECTS: &[&str] = &["无副作用", "零副作用", "no side effects"];
const DISEASE: &[&str] =
    &["高血压", "降血压", "糖尿病", "降血糖", "抗癌", "癌", "肿瘤", "心脏病", "痛风", "降血脂", "高血脂"];

fn dictionary(health_food: bool) -> Dictionary<Risk> {
    let mut words: Vec<(&str, Risk)> = Vec::new();
    words.extend(CURE.iter().map(|w| (*w, Risk::Cure)));
    words.extend(GUARANTEE.iter().map(|w| (*w, Risk::Guarantee)));
    words.extend(NO_SIDE_EFFECTS.iter().map(|w| (*w, Risk::NoSideEffects)));
    if health_food {
        words.extend(DISEASE.iter().map(|w| (*w, Risk::Disease)));
    }
    Dictionary::new(words)
}

static ANY: LazyLock<Dictionary<Risk>> = LazyLock::new(|| dictionary(false));
static HEALTH_FOOD: LazyLock<Dictionary<Risk>> = LazyLock::new(|| dictionary(true));

/// The risky spans in `claims`, in order, not overlapping (the longest
/// match at each place wins). Disease names count only for health food.
pub fn risky_spans(claims: &str, category: ProductCategory) -> Vec<Span> {
    let words = if category == ProductCategory::HealthFood { &HEALTH_FOOD } else { &ANY };
    words.longest(claims)
}

/// The claims cut into pieces: plain text, or a risky word with its rule,
/// for a template to escape and mark.
pub fn pieces(claims: &str, category: ProductCategory) -> Vec<(&str, Option<Risk>)> {
    matching::pieces(claims, &risky_spans(claims, category))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, cat: ProductCategory) -> Vec<(&str, &'static str)> {
        risky_spans(text, cat).iter().map(|s| (&text[s.start..s.end], s.tag.slug())).collect()
    }

    #[test]
    fn cure_guarantee_and_side_effect_words_are_found() {
        assert_eq!(
            words("本品可根治失眠，保证有效，无副作用", ProductCategory::General),
            vec![("根治", "cure"), ("保证有效", "guarantee"), ("无副作用", "no_side_effects")]
        );
        assert_eq!(
            words("It CURES colds, Guaranteed.", ProductCategory::Food),
            vec![("CURES", "cure"), ("Guaranteed", "guarantee")]
        );
    }

    #[test]
    fn full_width_letters_and_digits_match_with_spans_on_the_original() {
        let text = "１００％有效，ｃｕｒｅ";
        assert_eq!(words(text, ProductCategory::General), vec![("１００％有效", "guarantee"), ("ｃｕｒｅ", "cure")]);
    }

    #[test]
    fn traditional_spellings_match_too() {
        assert_eq!(
            words("本品可根治失眠，藥到病除，降血壓", ProductCategory::HealthFood),
            vec![("根治", "cure"), ("藥到病除", "cure"), ("降血壓", "disease")]
        );
    }

    #[test]
    fn disease_names_count_for_health_food_only() {
        assert_eq!(
            words("辅助降血压，抗癌", ProductCategory::HealthFood),
            vec![("降血压", "disease"), ("抗癌", "disease")]
        );
        assert!(words("辅助降血压，抗癌", ProductCategory::Cosmetics).is_empty());
        assert!(words("清爽保湿，温和配方", ProductCategory::HealthFood).is_empty());
    }

    #[test]
    fn pieces_put_the_text_back_together() {
        let text = "天然成分 治愈 一切";
        let joined: String = pieces(text, ProductCategory::General).iter().map(|(p, _)| *p).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn spans_are_on_char_boundaries_and_inside_the_text() {
        // A simple property over many generated texts: pieces of the words
        // and of other scripts, full-width forms, in a seeded order.
        let parts =
            ["治", "愈", "根治", "ｃ", "ure", "Ｃ", "100", "％", "有效", "癌", "😀", "é", " ", "无副作用", "heal"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            seed = seed.wrapping_add(7);
            let mut last = 0;
            for s in risky_spans(&text, ProductCategory::HealthFood) {
                assert!(s.start >= last && s.start < s.end && s.end <= text.len(), "{text:?} {s:?}");
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "{text:?} {s:?}");
                last = s.end;
            }
        }
    }
}

use proptest::prelude::*;

use super::*;

fn rule(id: i64, kind: RuleKind, label: &str, words: &[&str], weight: i32) -> Rule {
    Rule {
        id,
        kind,
        label: label.into(),
        words: words.iter().map(|w| (*w).to_owned()).collect(),
        threshold_fen: None,
        category: None,
        weight,
    }
}

/// The defaults the migration seeds, as far as these tests need them.
fn defaults() -> RuleSet {
    RuleSet::new(vec![
        rule(1, RuleKind::Words, "健康功效宣称", &["治愈", "根治", "抗癌", "包治", "降血压"], 40),
        rule(2, RuleKind::Words, "诱导站外交易", &["加微信", "私下转账", "扫码付款"], 50),
        rule(3, RuleKind::Words, "老年消费者", &["老人", "父母", "老年"], 20),
        rule(4, RuleKind::RegulatedProduct, "受监管商品", &[], 20),
        Rule { threshold_fen: Some(100_000), ..rule(5, RuleKind::AmountOver, "大额争议", &[], 10) },
        Rule {
            category: Some(Category::ProhibitedGoods), ..rule(6, RuleKind::Category, "违禁商品投诉", &[], 30)
        },
    ])
}

fn subject(text: &str) -> Subject<'_> {
    Subject { text, category: Category::FalseAdvertising, amount_fen: Some(29_900), product: None }
}

fn labels(a: &Assessment) -> Vec<&str> {
    a.matched.iter().map(|m| m.label.as_str()).collect()
}

#[test]
fn a_health_claim_sold_to_a_parent_reaches_the_threshold() {
    let a = defaults().assess(&subject("主播说这款保健品能治愈高血压，我给父母买了三盒"));
    assert_eq!(labels(&a), vec!["健康功效宣称", "老年消费者"]);
    assert_eq!(a.matched[0].words, vec!["治愈"]);
    assert_eq!(a.score(), 60);
    assert_eq!(flag_at_intake(a.score(), DEFAULT_THRESHOLD), Some(RiskState::High));
}

#[test]
fn an_ordinary_complaint_matches_nothing() {
    let a = defaults().assess(&subject("主播说是纯棉，收到的是化纤，要求退货退款。"));
    assert!(a.matched.is_empty());
    assert_eq!(flag_at_intake(a.score(), DEFAULT_THRESHOLD), None);
}

#[test]
fn each_rule_counts_once_however_many_of_its_words_are_found() {
    let a = defaults().assess(&subject("说能根治，能治愈，还能抗癌，根治！"));
    assert_eq!(a.score(), 40);
    assert_eq!(a.matched[0].words, vec!["治愈", "根治", "抗癌"], "in the rule's order, once each");
}

#[test]
fn built_in_conditions() {
    let rules = defaults();
    let regulated = Subject { product: Some(ProductCategory::HealthFood), ..subject("没有效果") };
    assert_eq!(labels(&rules.assess(&regulated)), vec!["受监管商品"]);
    let cosmetics = Subject { product: Some(ProductCategory::Cosmetics), ..subject("没有效果") };
    assert!(rules.assess(&cosmetics).matched.is_empty());
    let big = Subject { amount_fen: Some(100_001), ..subject("没有效果") };
    assert_eq!(labels(&rules.assess(&big)), vec!["大额争议"]);
    let at = Subject { amount_fen: Some(100_000), ..subject("没有效果") };
    assert!(rules.assess(&at).matched.is_empty(), "over the threshold, not at it");
    let banned = Subject { category: Category::ProhibitedGoods, ..subject("没有效果") };
    assert_eq!(labels(&rules.assess(&banned)), vec!["违禁商品投诉"]);
    // Replies are scored on their words alone.
    assert!(rules.assess_text("没有效果").matched.is_empty());
}

#[test]
fn a_word_in_two_rules_counts_for_both() {
    let rules = RuleSet::new(vec![
        rule(1, RuleKind::Words, "甲", &["降血压"], 10),
        rule(2, RuleKind::Words, "乙", &["血压", "降血压"], 15),
    ]);
    let a = rules.assess_text("能降血压");
    assert_eq!(labels(&a), vec!["甲", "乙"]);
    assert_eq!(a.matched[1].words, vec!["血压", "降血压"]);
    assert_eq!(a.score(), 25);
}

#[test]
fn replies_add_what_is_new_and_the_flag_follows() {
    let rules = defaults();
    let mut a = rules.assess(&subject("给父母买的保健品没有效果"));
    assert_eq!(a.score(), 20);
    assert!(!a.merge(rules.assess_text("我父母很生气")), "the same rule again adds nothing");
    assert_eq!(a.score(), 20);
    assert!(a.merge(rules.assess_text("客服让我加微信私下转账")));
    assert_eq!(a.score(), 70);
    assert_eq!(flag_after_reply(None, a.score(), DEFAULT_THRESHOLD, true), Some(RiskState::High));
    let dismissed = Some(RiskState::Dismissed);
    assert_eq!(flag_after_reply(dismissed, 70, DEFAULT_THRESHOLD, false), dismissed, "nothing new: stays dismissed");
    assert_eq!(flag_after_reply(dismissed, 70, DEFAULT_THRESHOLD, true), Some(RiskState::High));
    assert_eq!(flag_after_reply(dismissed, 30, DEFAULT_THRESHOLD, true), dismissed);
    assert_eq!(flag_after_reply(None, 30, DEFAULT_THRESHOLD, true), None);
}

#[test]
fn matches_are_kept_and_read_back_as_they_were() {
    let a = defaults().assess(&subject("能治愈高血压，父母用的，要加微信"));
    let stored = encode(&a).unwrap();
    assert_eq!(stored.lines().next(), Some("1\t40\t健康功效宣称\t治愈"));
    assert_eq!(decode(Some(&stored)), a);
    assert_eq!(decode(Some(&stored)).score(), a.score());
    assert_eq!(encode(&Assessment::default()), None);
    assert_eq!(decode(None), Assessment::default());
    assert_eq!(decode(Some("not\ta line\n")), Assessment::default());
}

#[test]
fn highlighting_marks_the_words_as_typed() {
    let a = defaults().assess(&subject("能治癒高血壓，父母用的"));
    let marked: Vec<&str> =
        highlight("能治癒高血壓，父母用的", &a).into_iter().filter(|(_, m)| *m).map(|(p, _)| p).collect();
    assert_eq!(marked, vec!["治癒", "父母"]);
}

#[test]
fn pattern_words_are_one_a_line() {
    assert_eq!(words_of(" 治愈 \n\n根治\r\n治愈\n"), vec!["治愈", "根治"]);
}

/// A text written in one of the forms people type it in: as is, in
/// full-width letters and digits, or in traditional characters.
fn respelled(text: &str, how: u8) -> String {
    text.chars()
        .map(|c| match how {
            1 if c.is_ascii_graphic() => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            2 => match c {
                '愈' => '癒',
                '压' => '壓',
                '转' => '轉',
                '账' => '賬',
                '扫' => '掃',
                '码' => '碼',
                '证' => '證',
                '货' => '貨',
                c => c,
            },
            _ => c,
        })
        .collect()
}

proptest! {
    /// However the complaint is spelled, the same rules match with the
    /// same score.
    #[test]
    fn scores_are_the_same_in_every_width_and_script(
        parts in prop::collection::vec(prop::sample::select(vec![
            "治愈", "降血压", "私下转账", "扫码付款", "父母", "假货", "身份证", "ABC", "100", "。", "主播", "收到",
        ]), 0..8),
        how in 0u8..3,
    ) {
        let rules = RuleSet::new(vec![
            rule(1, RuleKind::Words, "a", &["治愈", "降血压"], 40),
            rule(2, RuleKind::Words, "b", &["私下转账", "扫码付款"], 50),
            rule(3, RuleKind::Words, "c", &["父母"], 20),
            rule(4, RuleKind::Words, "d", &["假货", "身份证"], 30),
            rule(5, RuleKind::Words, "e", &["abc"], 5),
        ]);
        let text: String = parts.concat();
        let plain = rules.assess_text(&text);
        let other = rules.assess_text(&respelled(&text, how));
        prop_assert_eq!(plain.score(), other.score());
        prop_assert_eq!(labels(&plain), labels(&other));
    }
}

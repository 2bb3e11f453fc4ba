//! The words the public register's full-text search indexes and looks up.
//!
//! The search has to work the same on SQLite and PostgreSQL, neither of
//! which splits Chinese into words, so it is a table of (term, complaint)
//! rows filled from [`terms`] and looked up with [`query`]: a case matches
//! when it has every term of the query. Chinese has no spaces to split on
//! and a dictionary would be large, so a run of Chinese characters is
//! indexed as its overlapping pairs (`不发货` → `不发`, `发货`): any two or
//! more characters typed are found wherever they appear. Latin letters and
//! digits are indexed as whole words (`iphone`, `15`), and a word mixing
//! letters and digits also as its parts (`iphone15` → `iphone15`,
//! `iphone`, `15`), so `iPhone 15` finds `iPhone15`.
//!
//! A single character is not searchable. Indexing every character on its
//! own as well would add half as many rows again, most of them for
//! characters (`的`, `了`) that match nearly every case; a search box asks
//! for two. A lone Chinese character between other kinds of text is still
//! indexed as itself (it has no pair), but [`query`] never asks for one,
//! because the same character elsewhere is indexed only in its pairs.

use std::collections::HashSet;

use super::scrub::{Marker, fold, is_cjk};

/// The most terms a case is indexed under: the first ones, which for
/// complaints of a usual length (a few hundred characters) are all.
pub const MAX_TERMS: usize = 500;

/// The most terms a search looks up.
pub const MAX_QUERY_TERMS: usize = 8;

/// Longer Latin or digit words are indexed by their first 32 characters.
pub const MAX_WORD: usize = 32;

/// The terms to index `text` under: deduplicated, in the order they first
/// appear, at most [`MAX_TERMS`]. Text is read folded (full-width as
/// half-width, Latin in lower case); markers left by the scrubber
/// (`[手机号]`) are skipped, and so is punctuation.
pub fn terms(text: &str) -> Vec<String> {
    collect(text, MAX_TERMS, true)
}

/// The terms to look up for what was typed in a search box: tokenised as
/// [`terms`] does, so each is a term of any text that contains the query
/// (Latin words whole), at most [`MAX_QUERY_TERMS`]. Empty when nothing
/// searchable was typed: punctuation, a single character.
pub fn query(q: &str) -> Vec<String> {
    collect(q, MAX_QUERY_TERMS, false)
}

fn collect(text: &str, max: usize, singles: bool) -> Vec<String> {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |term: String| {
        if seen.len() < max && seen.insert(term.clone()) {
            out.push(term);
        }
        seen.len() < max
    };
    let mut i = 0;
    let mut room = true;
    while i < chars.len() && room {
        let c = chars[i];
        if c == '['
            && let Some(len) = marker_at(&chars, i)
        {
            i += len;
        } else if is_cjk(c) {
            let end = i + chars[i..].iter().take_while(|&&c| is_cjk(c)).count();
            if end - i == 1 && singles {
                room = push(c.to_string());
            }
            for pair in chars[i..end].windows(2) {
                room = push(pair.iter().collect());
            }
            i = end;
        } else if is_word_char(c) {
            let end = i + chars[i..].iter().take_while(|&&c| is_word_char(c)).count();
            let word = &chars[i..end.min(i + MAX_WORD)];
            if word.len() >= 2 {
                room = push(word.iter().collect());
                let mixed = word.iter().any(|c| c.is_numeric()) && word.iter().any(|c| !c.is_numeric());
                if mixed {
                    for part in word.chunk_by(|a, b| a.is_numeric() == b.is_numeric()).filter(|p| p.len() >= 2) {
                        room = push(part.iter().collect());
                    }
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Letters and digits other than Chinese characters.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// The length of the scrubber's marker at `i`, if one is there.
fn marker_at(chars: &[char], i: usize) -> Option<usize> {
    Marker::ALL.iter().map(|m| m.text()).find_map(|m| {
        let len = m.chars().count();
        (chars.len() >= i + len && m.chars().map(fold).eq(chars[i..i + len].iter().copied())).then_some(len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chinese_runs_are_pairs_and_words_are_whole() {
        assert_eq!(terms("商家不发货"), ["商家", "家不", "不发", "发货"]);
        assert_eq!(terms("买了 iPhone15，ＰＲＯ版"), ["买了", "iphone15", "iphone", "15", "pro", "版"]);
        assert_eq!(terms("A 货"), ["货"], "a one-letter word is no term; a lone character is its own");
        assert_eq!(terms("退款退款，退款"), ["退款", "款退"], "each term once");
    }

    #[test]
    fn markers_and_punctuation_are_skipped() {
        assert_eq!(terms("客服[姓名]说[手机号]打不通"), ["客服", "说", "打不", "不通"]);
        assert_eq!(terms("[QQ号] [微信号]"), Vec::<String>::new());
        assert_eq!(terms("【】！？…，。"), Vec::<String>::new());
    }

    #[test]
    fn words_are_capped() {
        let long = "a".repeat(40);
        assert_eq!(terms(&long), ["a".repeat(MAX_WORD)]);
        let many: String = (0..800).map(|i| char::from_u32(0x4E00 + i).unwrap()).collect();
        let t = terms(&many);
        assert_eq!(t.len(), MAX_TERMS);
        assert_eq!(t[0], "一丁", "the first ones are kept");
    }

    #[test]
    fn a_query_is_at_most_eight_terms_and_never_one_character() {
        assert_eq!(query("不发货"), ["不发", "发货"]);
        assert_eq!(query("假"), Vec::<String>::new());
        assert_eq!(query("  假 货 "), Vec::<String>::new());
        assert_eq!(query("ＤＹ 退款"), ["dy", "退款"]);
        assert_eq!(query("商家虚假宣传还不发货不退款").len(), MAX_QUERY_TERMS);
        assert_eq!(query("退款 退款 退款"), ["退款"]);
    }

    /// Cut points of `text` that split no Latin word and no marker.
    fn cuts(text: &str) -> Vec<usize> {
        let chars: Vec<char> = text.chars().map(fold).collect();
        let mut inside = vec![false; chars.len() + 1];
        let mut i = 0;
        while i < chars.len() {
            if let Some(len) = (chars[i] == '[').then(|| marker_at(&chars, i)).flatten() {
                inside[i + 1..i + len].iter_mut().for_each(|x| *x = true);
                i += len;
                continue;
            }
            if i > 0 && is_word_char(chars[i]) && is_word_char(chars[i - 1]) {
                inside[i] = true;
            }
            i += 1;
        }
        (0..=chars.len()).filter(|&k| !inside[k]).collect()
    }

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[一-龥]{1,6}",
            "[a-zA-Z]{1,6}",
            "[0-9]{1,4}",
            "[ａ-ｚＡ-Ｚ０-９]{1,4}",
            "[ ，。！？,.]{1,2}",
            Just("[手机号]".to_owned()),
            Just("[QQ号]".to_owned()),
            "\\PC{1,3}",
        ];
        prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn every_term_of_a_query_of_a_substring_is_indexed((t, a, b) in text().prop_flat_map(|t| {
            let n = cuts(&t).len();
            (Just(t), 0..n, 0..n)
        })) {
            let cuts = cuts(&t);
            let (a, b) = (cuts[a.min(b)], cuts[a.max(b)]);
            let sub: String = t.chars().skip(a).take(b - a).collect();
            let indexed = terms(&t);
            prop_assume!(indexed.len() < MAX_TERMS);
            for term in query(&sub) {
                prop_assert!(indexed.contains(&term), "{:?} of {:?} not in terms of {:?}", term, sub, t);
            }
        }

        #[test]
        fn terms_are_unique_bounded_and_never_markers(t in "\\PC{0,300}") {
            let ts = terms(&t);
            prop_assert!(ts.len() <= MAX_TERMS);
            let unique: HashSet<&String> = ts.iter().collect();
            prop_assert_eq!(unique.len(), ts.len());
            for term in &ts {
                prop_assert!(!term.is_empty() && term.chars().count() <= MAX_WORD);
                prop_assert!(!term.contains('['));
            }
            prop_assert!(query(&t).len() <= MAX_QUERY_TERMS);
        }
    }
}

use proptest::prelude::*;

use super::*;

fn found<'t>(text: &'t str, words: &[&str]) -> Vec<&'t str> {
    let d = Dictionary::new(words.iter().map(|w| (*w, ())));
    d.all(text).iter().map(|s| &text[s.start..s.end]).collect()
}

#[test]
fn width_case_and_script_fold_alike() {
    assert_eq!(fold('Ａ'), 'a');
    assert_eq!(fold('５'), '5');
    assert_eq!(fold('％'), '%');
    assert_eq!(fold('\u{3000}'), ' ');
    assert_eq!(fold('癒'), '愈');
    assert_eq!(fold('證'), '证');
    assert_eq!(folded("治癒高血壓，加ｗｅｉ信"), "治愈高血压,加wei信");
    // What is already simplified, or not Chinese, stays as it is.
    assert_eq!(folded("治愈 é 😀"), "治愈 é 😀");
}

#[test]
fn the_original_spelling_is_what_is_found() {
    assert_eq!(found("说能治癒高血壓", &["治愈", "降血压", "高血压"]), vec!["治癒", "高血壓"]);
    assert_eq!(found("私下轉賬給他", &["私下转账"]), vec!["私下轉賬"]);
    assert_eq!(found("要加Ｖ，掃碼付款", &["加v", "扫码付款"]), vec!["加Ｖ", "掃碼付款"]);
}

#[test]
fn all_finds_overlapping_words_and_longest_does_not() {
    let d = Dictionary::new([("降血压", 1), ("血压", 2)]);
    let all: Vec<i32> = d.all("能降血压").iter().map(|s| s.tag).collect();
    assert_eq!(all, vec![1, 2]);
    let longest: Vec<i32> = d.longest("能降血压").iter().map(|s| s.tag).collect();
    assert_eq!(longest, vec![1]);
    let marked = merged(&d.all("能降血压"));
    assert_eq!(marked.len(), 1);
    assert_eq!(&"能降血压"[marked[0].start..marked[0].end], "降血压");
}

#[test]
fn blank_words_match_nothing() {
    let d = Dictionary::new([("", 1), ("  ", 2)]);
    assert!(d.is_empty());
    assert!(d.all("anything").is_empty());
}

/// A simplified character and a full-width or traditional spelling of it.
fn variant() -> impl Strategy<Value = (char, char)> {
    prop_oneof![
        (0x21u32..0x7F).prop_map(|c| {
            let half = char::from_u32(c).unwrap();
            (half.to_ascii_lowercase(), char::from_u32(c + 0xFEE0).unwrap())
        }),
        (0usize..variants::pairs().len()).prop_map(|i| {
            let (trad, simp) = variants::pairs()[i];
            (simp, trad)
        }),
        prop::sample::select(vec!['治', '愈', '老', '人', '。', 'x', '😀']).prop_map(|c| (c, c)),
    ]
}

proptest! {
    /// Whatever mix of widths and scripts a word is typed in, in whatever
    /// text around it, it is found where it is, with its span on the text
    /// as typed.
    #[test]
    fn matching_ignores_width_and_script(
        word in prop::collection::vec(variant(), 1..6),
        before in "[a-z治病人 ，。]{0,8}",
        after in "[a-z治病人 ，。]{0,8}",
    ) {
        let plain: String = word.iter().map(|(p, _)| *p).collect();
        let typed: String = word.iter().map(|(_, t)| *t).collect();
        let text = format!("{before}{typed}{after}");
        let d = Dictionary::new([(plain.as_str(), ())]);
        let spans = d.all(&text);
        let at = before.len();
        prop_assert!(spans.iter().any(|s| s.start == at && text[s.start..s.end] == typed), "{text:?} {spans:?}");
        // And the other way round: the typed spelling finds the plain one.
        let back = Dictionary::new([(typed.as_str(), ())]);
        let plain_text = format!("{before}{plain}{after}");
        prop_assert!(back.all(&plain_text).iter().any(|s| plain_text[s.start..s.end] == plain));
    }

    /// Spans always lie on character boundaries, in order, and pieces put
    /// the text back together.
    #[test]
    fn spans_are_on_boundaries_and_pieces_rebuild_the_text(text in "[治愈癒高血壓压ａaＡ😀é 。]{0,24}") {
        let d = Dictionary::new([("治愈", 1), ("血压", 2), ("a", 3), ("高血压", 4)]);
        let mut last = 0;
        for s in d.longest(&text) {
            prop_assert!(s.start >= last && s.start < s.end && s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            last = s.end;
        }
        let marked = merged(&d.all(&text));
        let joined: String = pieces(&text, &marked).iter().map(|(p, _)| *p).collect();
        prop_assert_eq!(joined, text);
    }
}

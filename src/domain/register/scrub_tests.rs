//! Tests of `scrub`: the fixture's sentences, then properties over
//! generated personal data in generated text.

use super::*;
use proptest::prelude::*;

const FIXTURE: &str = include_str!("fixtures/scrub.txt");

/// The fixture's cases: (line number, names, input, expected).
fn cases() -> Vec<(usize, Vec<&'static str>, &'static str, &'static str)> {
    let mut out = Vec::new();
    for (n, line) in FIXTURE.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (names, rest) = match line.strip_prefix('{').and_then(|r| r.split_once('}')) {
            Some((names, rest)) => (names.split('|').collect(), rest.trim_start()),
            None => (Vec::new(), line),
        };
        let (input, expected) = rest.split_once(" ⟶ ").unwrap_or((rest, rest));
        out.push((n + 1, names, input, expected));
    }
    out
}

#[test]
fn the_fixture_sentences_come_out_as_written() {
    let cases = cases();
    let unchanged = cases.iter().filter(|(_, _, i, e)| i == e).count();
    assert!(cases.len() >= 200, "{} cases", cases.len());
    assert!(unchanged >= 60, "{unchanged} sentences that must stay as they are");
    let mut failures = Vec::new();
    for (line, names, input, expected) in &cases {
        let got = scrub(input, names);
        if got != *expected {
            failures.push(format!("line {line}: {input}\n    want {expected}\n     got {got}"));
        } else if scrub(&got, names) != got {
            failures.push(format!("line {line}: scrubbing again changed {got:?} to {:?}", scrub(&got, names)));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn each_marker_reads_as_itself() {
    for m in Marker::ALL {
        assert!(m.text().starts_with('[') && m.text().ends_with(']'));
        assert_eq!(scrub(m.text(), &["姓名", "QQ"]), m.text(), "a marker is never scrubbed again");
    }
}

#[test]
fn a_typical_complaint_takes_microseconds() {
    let text = "2026年11月3日晚上8点在抖音直播间花299元买了3瓶精华液，主播说假一赔十，收到后发现是假货。\
        联系客服王芳（电话021-12345678）说要退回检测，检测费80元。我的手机138 0013 8000，\
        收货地址上海市浦东新区张江路123号5栋2单元301室，订单号DY4829301756，顺丰单号SF1234567890123。\
        商家一直拖着不处理，已经15天了，要求退一赔三。";
    let names = ["张伟", "Li Wei"];
    let rounds = 2000;
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(scrub(std::hint::black_box(text), &names));
    }
    let each = started.elapsed() / rounds;
    // About 10 µs in a release build; test builds are unoptimised, and
    // many times slower. The bound catches work gone quadratic.
    let bound = if cfg!(debug_assertions) { 3000 } else { 100 };
    assert!(each < std::time::Duration::from_micros(bound), "{each:?} per complaint");
    let long = text.repeat(10);
    let started = std::time::Instant::now();
    std::hint::black_box(scrub(&long, &names));
    assert!(started.elapsed() < each * 10 * 5, "ten times the text takes about ten times as long");
    // Nor does text made to start a detector at every character.
    for hostile in ["a1".repeat(1000), "1 ".repeat(1000), "电话1 ".repeat(400), "a@".repeat(1000), "路1号".repeat(600)]
    {
        let started = std::time::Instant::now();
        std::hint::black_box(scrub(&hostile, &names));
        assert!(started.elapsed() < each * 100, "{:?} for {}…", started.elapsed(), &hostile[..12]);
    }
}

/// The numbers of `s` as the fuzz target reads them: full-width digits as
/// digits, runs of digits and separators with the separators dropped.
fn numbers(s: &str) -> Vec<String> {
    let folded: String = s.chars().map(fold).collect();
    folded
        .split(|c: char| !(c.is_ascii_digit() || matches!(c, ' ' | '\t' | '-' | '.' | '(' | ')' | '+')))
        .map(|run| run.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| !d.is_empty())
        .collect()
}

fn digits_only(s: &str) -> String {
    s.chars().map(fold).filter(char::is_ascii_digit).collect()
}

/// Chinese prose without digits, Latin letters or `@`.
fn prose() -> impl Strategy<Value = String> {
    "[一-龥，。！？、：]{0,15}"
}

/// `digits` written as people write them: whole, in groups with spaces,
/// hyphens, dots or ideographic spaces, in full-width digits.
fn spelled(digits: String, groups: Vec<usize>, sep: &'static str, wide: bool) -> String {
    let mut out = String::new();
    let mut rest = digits.as_str();
    for g in groups {
        if rest.len() <= g {
            break;
        }
        out.push_str(&rest[..g]);
        out.push_str(sep);
        rest = &rest[g..];
    }
    out.push_str(rest);
    if wide {
        out.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect()
    } else {
        out
    }
}

fn sep() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just("-"), Just("."), Just("\u{3000}"), Just(" - ")]
}

fn mobile() -> impl Strategy<Value = (String, String)> {
    (
        "1[3-9][0-9]{9}",
        prop_oneof![Just(""), Just("+86"), Just("+86 "), Just("86"), Just("0086 "), Just("(+86)")],
        sep(),
        any::<bool>(),
    )
        .prop_map(|(d, prefix, sep, wide)| (d.clone(), format!("{prefix}{}", spelled(d, vec![3, 4], sep, wide))))
}

fn id_number() -> impl Strategy<Value = (String, String)> {
    (
        "[1-8][0-9]{5}",
        1930u32..2025,
        1u32..13,
        1u32..29,
        "[0-9]{3}",
        prop_oneof!["[0-9]", Just("X".to_owned()), Just("x".to_owned())],
        sep(),
        any::<bool>(),
    )
        .prop_map(|(region, y, m, d, seq, check, sep, wide)| {
            let d17 = format!("{region}{y}{m:02}{d:02}{seq}");
            (d17.clone(), spelled(format!("{d17}{check}"), vec![6, 8], sep, wide))
        })
}

fn card() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![Just("62"), Just("4"), Just("5")],
        prop::collection::vec(0u8..10, 12..18),
        prop_oneof![Just(""), Just(" "), Just("-")],
        any::<bool>(),
    )
        .prop_map(|(prefix, body, sep, wide)| {
            let mut d: Vec<u8> = prefix.bytes().map(|b| b - b'0').chain(body).collect();
            d.truncate(18);
            let sum: u32 = d
                .iter()
                .rev()
                .enumerate()
                .map(|(i, &v)| {
                    let v = u32::from(v);
                    if i % 2 == 0 { if v * 2 > 9 { v * 2 - 9 } else { v * 2 } } else { v }
                })
                .sum();
            d.push(((10 - sum % 10) % 10) as u8);
            let digits: String = d.iter().map(|v| char::from(b'0' + v)).collect();
            (digits.clone(), spelled(digits, vec![4; 4], sep, wide))
        })
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-z0-9][a-z0-9._]{0,11}",
        prop_oneof![Just("@"), Just("＠"), Just(" @ ")],
        "[a-z0-9]{1,10}",
        prop_oneof![Just(".com"), Just(".cn"), Just(".com.cn"), Just(".net")],
    )
        .prop_map(|(local, at, host, tld)| format!("{local}{at}{host}{tld}"))
}

/// Words and amounts that must come through unchanged.
fn ordinary() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "商家",
        "虚假宣传",
        "不发货",
        "退款",
        "客服说",
        "质量很差",
        "¥299",
        "299元",
        "1,299.00元",
        "３００元",
        "2026年11月3日",
        "11月3日晚上8点",
        "2026-11-03",
        "3瓶",
        "2件",
        "iPhone 15",
        "型号A12",
        "抖音",
        "淘宝",
        "上海市",
        "浦东新区",
        "50%",
        "7天",
        "48小时",
        "主播",
        "直播间",
        "假一赔十",
        "优品旗舰店",
        "客服不理我",
    ]);
    prop::collection::vec((piece, prop::sample::select(vec!["，", "。", " ", "、", ""])), 1..8)
        .prop_map(|v| v.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

fn markers(s: &str) -> usize {
    Marker::ALL.iter().map(|m| s.matches(m.text()).count()).sum()
}

proptest! {
    #[test]
    fn no_mobile_number_survives((d, spelled) in mobile(), before in prose(), after in prose()) {
        let out = scrub(&format!("{before}{spelled}{after}"), &[]);
        prop_assert!(!numbers(&out).iter().any(|n| digits::is_mobile(n.as_bytes())), "{}", out);
        prop_assert!(!digits_only(&out).contains(&d), "{}", out);
    }

    #[test]
    fn no_id_number_survives((d17, spelled) in id_number(), before in prose(), after in prose()) {
        let out = scrub(&format!("{before}{spelled}{after}"), &[]);
        prop_assert!(!digits_only(&out).contains(&d17), "{}", out);
        prop_assert!(!numbers(&out).iter().any(|n| n.len() >= 15), "{}", out);
    }

    #[test]
    fn no_bank_card_survives((d, spelled) in card(), before in prose(), after in prose()) {
        let out = scrub(&format!("{before}{spelled}{after}"), &[]);
        prop_assert!(!digits_only(&out).contains(&d), "{}", out);
    }

    #[test]
    fn no_email_address_survives(address in email(), before in prose(), after in prose()) {
        let out = scrub(&format!("{before}{address}{after}"), &[]);
        prop_assert!(!out.contains('@') && !out.contains('＠'), "{}", out);
        prop_assert_eq!(out.matches("[邮箱]").count(), 1, "{}", out);
    }

    #[test]
    fn ordinary_words_and_amounts_stay(text in ordinary()) {
        prop_assert_eq!(scrub(&text, &[]), text);
    }

    #[test]
    fn scrubbing_twice_changes_nothing_more(
        text in prop_oneof![
            "\\PC{0,120}".boxed(),
            prop::collection::vec(prop_oneof![prose().boxed(), mobile().prop_map(|m| m.1).boxed(), id_number().prop_map(|m| m.1).boxed(), email().boxed(), "[0-9a-zA-Z @.:：#-]{0,12}".boxed(), Just("客服".to_owned()).boxed(), Just("路88号".to_owned()).boxed(), Just("订单号".to_owned()).boxed()], 0..8).prop_map(|v| v.concat()).boxed(),
        ],
        names in prop::collection::vec("\\PC{0,6}", 0..3),
    ) {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let once = scrub(&text, &names);
        prop_assert_eq!(scrub(&once, &names), once.clone(), "from {:?}", text);
        // Nothing is added but markers.
        let (n_in, n_out) = (text.chars().count(), once.chars().count());
        prop_assert!(n_out <= n_in + 6 * markers(&once), "{} chars from {}", n_out, n_in);
    }

    #[test]
    fn never_panics(text in any::<String>(), names in prop::collection::vec(any::<String>(), 0..3)) {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let _ = scrub(&text, &names);
    }
}

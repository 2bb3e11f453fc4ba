//! Words for each reader: one complaint rendered to the consumer, its
//! merchant and a supervisor, in both languages. Whatever the catalog
//! words for the consumer ("您拒绝了解决方案") and has a staff wording for
//! (`{key}.for_staff`), and the consumer-only labels, never reach a staff page.

use std::collections::BTreeMap;

use scraper::Html;

use crate::helpers::*;

/// The catalog of `lang`, as the server reads it (`key = value` lines).
fn catalog(lang: &str) -> BTreeMap<String, String> {
    let path = format!("{}/locales/{lang}.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Consumer labels that have no place on a staff page at all.
const CONSUMER_ONLY: [&str; 1] = ["tracking.resolution"];

/// What the consumer reads and staff must not: `(key, consumer's words,
/// staff's words)`; the staff words are empty for a consumer-only label.
fn consumer_words(lang: &str) -> Vec<(String, String, String)> {
    let c = catalog(lang);
    let mut words: Vec<_> = c
        .iter()
        .filter_map(|(k, staff)| {
            k.strip_suffix(".for_staff").map(|base| (base.to_owned(), c[base].clone(), staff.clone()))
        })
        .collect();
    words.extend(CONSUMER_ONLY.iter().map(|k| ((*k).to_owned(), c[*k].clone(), String::new())));
    assert!(words.len() >= 6, "the catalog words the timeline for each reader: {words:?}");
    words
}

/// The text a reader sees, decoded (an English apostrophe is `&#x27;` in
/// the markup).
fn shown(html: &str) -> String {
    Html::parse_document(html).root_element().text().collect()
}

/// Every page of the complaint, as `(who, text)`, in `lang`.
fn pages(
    consumer: &Client,
    merchant: &Client,
    supervisor: &Client,
    tracking: &str,
    reference: &str,
    lang: &str,
) -> [(&'static str, String); 3] {
    let q = format!("?lang={lang}");
    [
        ("consumer", shown(&consumer.get(&format!("{tracking}{q}")).body)),
        ("merchant", shown(&merchant.get(&format!("/merchant/complaints/{reference}{q}")).body)),
        ("supervisor", shown(&supervisor.get(&format!("/supervisor/complaints/{reference}{q}")).body)),
    ]
}

/// Checks one moment of the complaint: each word the consumer is meant to
/// read here is on the consumer's page (so the check below can fail), and
/// no consumer's word is on a staff page, where its staff wording is.
fn check(pages: &[(&str, String); 3], lang: &str, expected_keys: &[&str]) {
    let words = consumer_words(lang);
    let [(_, consumer), staff @ ..] = pages;
    for key in expected_keys {
        let (_, said, _) =
            words.iter().find(|(k, ..)| k == key).unwrap_or_else(|| panic!("no staff wording for {key}"));
        assert!(consumer.contains(said.as_str()), "{lang}: the consumer reads {said:?} ({key})");
    }
    for (who, text) in staff {
        for (key, said, to_staff) in &words {
            assert!(
                !text.contains(said.as_str()),
                "{lang}: the {who} page says {said:?} ({key}), written for the consumer"
            );
            if expected_keys.contains(&key.as_str()) {
                assert!(text.contains(to_staff.as_str()), "{lang}: the {who} page reads {to_staff:?} ({key})");
            }
        }
    }
}

#[test]
fn the_same_complaint_is_worded_for_each_reader() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let consumer = app.client();
    let merchant = app.merchant_staff(m);
    let supervisor = app.supervisor();
    let reference = tracking.reference(&consumer);
    let page = format!("/merchant/complaints/{reference}");

    merchant.submit(&page, &format!("{page}/reply"), &[("body", "您好，我们在核实。"), ("visibility", "public")]);
    consumer.submit(tracking.path(), &format!("{}/reply", tracking.path()), &[("body", "请尽快处理。")]);
    let proposal = [("resolution", "refund"), ("amount", "100"), ("body", "退一半货款。")];
    merchant.submit(&page, &format!("{page}/propose"), &proposal);
    consumer.submit(tracking.path(), &format!("{}/reject", tracking.path()), &[("reason", "只退一半不合理。")]);
    merchant.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "299"), ("body", "全额退款。")],
    );
    // The second proposal waits on the consumer's answer.
    for lang in ["zh-CN", "en"] {
        let all = pages(&consumer, &merchant, &supervisor, tracking.path(), &reference, lang);
        check(&all, lang, &["event.consumer_reply", "event.rejected", "deadline.awaiting"]);
        // The consumer's footer is the consumer's alone.
        let footer = consumer.get(&format!("{}?lang={lang}", tracking.path())).html();
        let footer = footer.select_text("footer[data-footer=consumer] .site-footer__about").expect("a consumer footer");
        assert!(footer.trim().len() > 10, "{footer:?}");
        for (who, text) in &all[1..] {
            assert!(!text.contains(footer.trim()), "{lang}: the {who} page has the consumer's footer");
        }
    }

    let accepted = consumer.submit(tracking.path(), &format!("{}/accept", tracking.path()), &[]);
    assert_eq!(accepted.status, ureq::http::StatusCode::SEE_OTHER, "{}", accepted.body);
    for lang in ["zh-CN", "en"] {
        let all = pages(&consumer, &merchant, &supervisor, tracking.path(), &reference, lang);
        check(&all, lang, &["event.consumer_reply", "event.rejected", "event.accepted"]);
    }
}

#[test]
fn a_withdrawal_is_worded_for_each_reader() {
    let app = spawn_app();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let consumer = app.client();
    let reference = tracking.reference(&consumer);
    let withdrawn = consumer.submit(tracking.path(), &format!("{}/withdraw", tracking.path()), &[]);
    assert_eq!(withdrawn.status, ureq::http::StatusCode::SEE_OTHER, "{}", withdrawn.body);
    for lang in ["zh-CN", "en"] {
        let all = pages(&consumer, &app.merchant_staff(m), &app.supervisor(), tracking.path(), &reference, lang);
        check(&all, lang, &["event.withdrawn"]);
    }
}

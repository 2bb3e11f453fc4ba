//! Notices by e-mail: rendered from the message catalog into one text and
//! one HTML template (`templates/mail/notice/`) in the recipient's
//! language, and sent through lettre.
//!
//! One layout serves every notice: what differs between them is words,
//! and the words live in the catalog with everything else users read.
//! Every notice ends with how to get help (`REDRESS_HELP`); one about a
//! complaint starts with what it is about (reference, order number,
//! amount). The text part is wrapped for reading ([`wrap`]), its links
//! whole on lines of their own.

pub mod transport;
pub mod wrap;

use askama::Template;

use crate::i18n::{Lang, Tr};

/// A notice, rendered and ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What a notice says, before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub subject: String,
    pub greeting: String,
    /// What the notice is about, as (label, value): a complaint's
    /// reference, order number and amount. Shown first.
    pub facts: Vec<(String, String)>,
    pub paragraphs: Vec<String>,
    /// A button: (label, absolute URL).
    pub link: Option<(String, String)>,
    /// How to get help, above the signature.
    pub help: String,
}

#[derive(Template)]
#[template(path = "mail/notice/body.txt")]
struct TextBody<'a> {
    greeting: &'a str,
    /// "订单号：DY4829301756", one a line.
    facts: Vec<String>,
    /// Wrapped.
    paragraphs: Vec<String>,
    /// The label ("查看投诉进展：") and the link, on a line of its own.
    link: Option<(String, &'a str)>,
    help: String,
    signature: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice/body.html")]
struct HtmlBody<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    facts: &'a [(String, String)],
    paragraphs: &'a [String],
    link: &'a Option<(String, String)>,
    help: &'a str,
    signature: &'a str,
}

pub fn render(lang: Lang, content: &Content) -> Result<Rendered, askama::Error> {
    let t: Tr = lang.tr();
    let signature = t.get("mail.signature");
    let wrapped = |p: &str| wrap::wrap(p, wrap::COLUMNS);
    let greeting = wrapped(&content.greeting);
    let text = TextBody {
        greeting: &greeting,
        facts: content.facts.iter().map(|(label, value)| wrapped(&fact(&t, label, value))).collect(),
        paragraphs: content.paragraphs.iter().map(|p| wrapped(p)).collect(),
        link: content.link.as_ref().map(|(label, url)| (t.fmt("mail.link_label", &[("label", label)]), url.as_str())),
        help: wrapped(&content.help),
        signature,
    }
    .render()
    .map(|text| wrap::stuff(&text))?;
    let html = HtmlBody {
        lang: lang.code(),
        subject: &content.subject,
        greeting: &content.greeting,
        facts: &content.facts,
        paragraphs: &content.paragraphs,
        link: &content.link,
        help: &content.help,
        signature,
    }
    .render()?;
    Ok(Rendered { subject: content.subject.clone(), text, html })
}

/// "订单号：DY4829301756", as this language writes a label and its value.
fn fact(t: &Tr, label: &str, value: &str) -> String {
    t.fmt("mail.fact", &[("label", &label), ("value", &value)])
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://redress.example.cn/t/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0f";

    fn receipt() -> Content {
        Content {
            subject: "投诉已受理：TS20261120000001".into(),
            greeting: "王芳，您好：".into(),
            facts: vec![
                ("投诉编号".into(), "TS20261120000001".into()),
                ("订单号".into(), "DY4829301756".into()),
                ("涉及金额".into(), "¥199.00".into()),
            ],
            paragraphs: vec![
                "我们已收到您对 杭州星河 <优选> 的投诉。".into(),
                "商家须在 2026年11月22日 10:00 前首次回应，在 2026年11月27日 10:00 前解决；超时未处理的，平台会介入督办。"
                    .into(),
            ],
            link: Some(("查看投诉进展".into(), LINK.into())),
            help: "如需帮助：请致电平台客服 400-000-0000。".into(),
        }
    }

    #[test]
    fn text_is_plain_and_html_is_escaped() {
        let r = render(Lang::ZhCn, &receipt()).unwrap();
        insta::assert_snapshot!("receipt_text", r.text);
        insta::assert_snapshot!("receipt_html", r.html);
        assert!(r.text.contains("杭州星河 <优选>"), "no HTML escaping in text");
        assert!(r.html.contains("杭州星河 &#60;优选&#62;"), "escaped in HTML");
    }

    #[test]
    fn the_text_restates_the_facts_wraps_prose_keeps_the_link_whole_and_ends_with_help() {
        let r = render(Lang::ZhCn, &receipt()).unwrap();
        let lines: Vec<&str> = r.text.lines().collect();
        assert!(lines.contains(&"订单号：DY4829301756") && lines.contains(&"涉及金额：¥199.00"), "{}", r.text);
        assert!(lines.contains(&LINK), "the link on a line of its own: {}", r.text);
        assert!(lines.iter().all(|l| l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>() <= 80));
        let help = lines.iter().position(|l| l.contains("400-000-0000")).expect("the help line");
        let link = lines.iter().position(|l| *l == LINK).unwrap();
        assert!(link < help && help < lines.len() - 1, "help after the link, before the signature");
        let en =
            render(Lang::En, &Content { facts: vec![("Order number".into(), "DY1".into())], ..receipt() }).unwrap();
        assert!(en.text.contains("Order number: DY1\n") && en.text.contains("查看投诉进展:\n"), "{}", en.text);
        assert!(r.html.contains("<th scope=\"row\""), "facts as a table in HTML");
    }
}

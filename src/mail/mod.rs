//! Notices by e-mail: rendered from the message catalog into one text and
//! one HTML template (`templates/mail/notice/`) in the recipient's
//! language, and sent through lettre.
//!
//! One layout serves every notice: what differs between them is words,
//! and the words live in the catalog with everything else users read.

pub mod transport;

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
    pub paragraphs: Vec<String>,
    /// A button: (label, absolute URL).
    pub link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "mail/notice/body.txt")]
struct TextBody<'a> {
    greeting: &'a str,
    paragraphs: &'a [String],
    link: &'a Option<(String, String)>,
    signature: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice/body.html")]
struct HtmlBody<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    paragraphs: &'a [String],
    link: &'a Option<(String, String)>,
    signature: &'a str,
}

pub fn render(lang: Lang, content: &Content) -> Result<Rendered, askama::Error> {
    let t: Tr = lang.tr();
    let signature = t.get("mail.signature");
    let text =
        TextBody { greeting: &content.greeting, paragraphs: &content.paragraphs, link: &content.link, signature }
            .render()?;
    let html = HtmlBody {
        lang: lang.code(),
        subject: &content.subject,
        greeting: &content.greeting,
        paragraphs: &content.paragraphs,
        link: &content.link,
        signature,
    }
    .render()?;
    Ok(Rendered { subject: content.subject.clone(), text, html })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Content {
        Content {
            subject: "投诉已受理：TS20261120000001".into(),
            greeting: "王芳，您好：".into(),
            paragraphs: vec![
                "我们已收到您对 杭州星河 <优选> 的投诉。".into(),
                "商家须在 2026年11月22日 10:00 前回应。".into(),
            ],
            link: Some(("查看投诉进展".into(), "https://redress.example.cn/t/TOKEN".into())),
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
}

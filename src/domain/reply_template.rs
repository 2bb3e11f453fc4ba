//! Quick replies: a merchant's reply templates, with placeholders filled
//! from the complaint they answer.
//!
//! A placeholder is `{name}` with `name` made of ASCII letters, digits and
//! `_`; any other brace is text. Filling is one pass over the template:
//! what a placeholder is replaced with is never read again, so a consumer
//! who types `{order_ref}` as their name is greeted with exactly that.

use super::field::Invalid;
use super::text;

pub const TITLE_MAX: usize = 60;
pub const TEXT_MAX: usize = 2000;
/// How many templates a merchant may keep.
pub const MAX_TEMPLATES: i64 = 50;

crate::slug_enum! {
    /// What a template may say of the complaint it answers.
    pub enum Placeholder {
        Reference => "reference",
        ConsumerName => "consumer_name",
        OrderRef => "order_ref",
    }
}

/// What the placeholders of one complaint stand for.
pub struct Values<'a> {
    pub reference: &'a str,
    pub consumer_name: &'a str,
    pub order_ref: &'a str,
}

impl Values<'_> {
    fn of(&self, p: Placeholder) -> &str {
        match p {
            Placeholder::Reference => self.reference,
            Placeholder::ConsumerName => self.consumer_name,
            Placeholder::OrderRef => self.order_ref,
        }
    }
}

/// A piece of a template: text as written, or a `{name}` (its name).
enum Piece<'a> {
    Text(&'a str),
    Named(&'a str),
}

/// `template` cut into text and placeholders, left to right.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let named = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let len = after.find(|c: char| !named(c)).unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            out.push(Piece::Text(&rest[..open]));
            out.push(Piece::Named(&after[..len]));
            rest = &after[len + 1..];
        } else {
            // Not a placeholder: the brace is text, and so is what follows
            // up to the next brace.
            out.push(Piece::Text(&rest[..=open]));
            rest = after;
        }
    }
    out.push(Piece::Text(rest));
    out
}

/// `template` with each known placeholder replaced by its value, in one
/// pass (a value is never expanded again); an unknown one stays as it is.
pub fn fill(template: &str, values: &Values<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Named(name) => match Placeholder::from_slug(name) {
                Some(p) => out.push_str(values.of(p)),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// The placeholders of `template` that are none of [`Placeholder`]'s, each
/// once, in the order they first appear, with their braces.
pub fn unknown(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in pieces(template) {
        if let Piece::Named(name) = piece {
            let braced = format!("{{{name}}}");
            if Placeholder::from_slug(name).is_none() && !out.contains(&braced) {
                out.push(braced);
            }
        }
    }
    out
}

/// A template as typed into its form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub title: String,
    pub text: String,
}

/// A template that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTemplate {
    pub title: String,
    pub text: String,
}

/// Why the text of a template was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    Invalid(Invalid),
    /// Placeholders that are not ours, as written (`{name}`).
    Unknown(Vec<String>),
}

/// What is wrong with a template's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateErrors {
    pub title: Option<Invalid>,
    pub text: Option<TextProblem>,
}

impl TemplateErrors {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.text.is_none()
    }
}

impl TemplateForm {
    pub fn validate(&self) -> Result<ReplyTemplate, TemplateErrors> {
        let title = text::clean_shown(&self.title, 1, TITLE_MAX, false).map_err(Invalid::from);
        let body = text::clean_shown(&self.text, 1, TEXT_MAX, true)
            .map_err(|e| TextProblem::Invalid(e.into()))
            .and_then(|text| match unknown(&text) {
                names if names.is_empty() => Ok(text),
                names => Err(TextProblem::Unknown(names)),
            });
        match (title, body) {
            (Ok(title), Ok(text)) => Ok(ReplyTemplate { title, text }),
            (title, body) => Err(TemplateErrors { title: title.err(), text: body.err() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(name: &'a str) -> Values<'a> {
        Values { reference: "TS20261120000001", consumer_name: name, order_ref: "DY4829301756" }
    }

    #[test]
    fn each_placeholder_is_filled_from_the_complaint() {
        let filled = fill("{consumer_name}您好，投诉 {reference}（订单 {order_ref}）已收到。", &values("王芳"));
        assert_eq!(filled, "王芳您好，投诉 TS20261120000001（订单 DY4829301756）已收到。");
    }

    #[test]
    fn a_value_is_filled_once_and_never_expanded_again() {
        let filled = fill("{consumer_name}：订单 {order_ref}", &values("{order_ref}{reference}"));
        assert_eq!(filled, "{order_ref}{reference}：订单 DY4829301756");
        // Twice over: the second pass would expand what the first put in,
        // and one pass is all `fill` does.
        assert_eq!(fill("{consumer_name}", &values("{consumer_name}")), "{consumer_name}");
    }

    #[test]
    fn braces_that_are_no_placeholder_are_text() {
        let v = values("王芳");
        assert_eq!(fill("{ reference } {} {{reference}} {未知} {", &v), "{ reference } {} {TS20261120000001} {未知} {");
        assert_eq!(fill("{order_ref", &v), "{order_ref");
        assert_eq!(fill("{unknown_one} 王", &v), "{unknown_one} 王");
        assert_eq!(fill("", &v), "");
    }

    #[test]
    fn unknown_placeholders_are_named_once_each() {
        assert_eq!(unknown("{name}，{reference}，{name}，{Order_Ref}"), ["{name}", "{Order_Ref}"]);
        assert!(unknown("{reference}{consumer_name}{order_ref} { x } {中文}").is_empty());
    }

    #[test]
    fn a_template_is_checked_field_by_field() {
        let ok = TemplateForm { title: " 致歉 ".into(), text: "{consumer_name}您好".into() };
        assert_eq!(ok.validate(), Ok(ReplyTemplate { title: "致歉".into(), text: "{consumer_name}您好".into() }));

        let long = TemplateForm { title: "标".repeat(TITLE_MAX + 1), text: "{phone}请回电".into() };
        let errors = long.validate().unwrap_err();
        assert_eq!(errors.title, Some(Invalid::TooLong { max: TITLE_MAX }));
        assert_eq!(errors.text, Some(TextProblem::Unknown(vec!["{phone}".into()])));

        let empty = TemplateForm { title: "标题".into(), text: "字".repeat(TEXT_MAX + 1) };
        let errors = empty.validate().unwrap_err();
        assert_eq!((errors.title, errors.text), (None, Some(TextProblem::Invalid(Invalid::TooLong { max: TEXT_MAX }))));
    }
}

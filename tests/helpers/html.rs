//! Reading pages as a browser does: parsed by a real HTML parser
//! (`scraper`) and read through CSS selectors, so a test finds the element
//! it means, with its text and attributes decoded, wherever the markup
//! puts it.

use scraper::{ElementRef, Html, Selector};

use super::client::Page;

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("a bad selector in a test, {css:?}: {e:?}"))
}

/// The text of an element and everything in it, as shown.
fn text(element: ElementRef<'_>) -> String {
    element.text().collect()
}

/// Reading what a selector finds, in a page or inside one of its elements.
pub trait Markup {
    /// Every element `css` matches, in document order.
    fn select_all(&self, css: &str) -> Vec<ElementRef<'_>>;

    /// The first element `css` matches.
    fn select_first(&self, css: &str) -> Option<ElementRef<'_>> {
        self.select_all(css).into_iter().next()
    }

    /// The text of the first element `css` matches.
    fn select_text(&self, css: &str) -> Option<String> {
        self.select_first(css).map(text)
    }

    /// The text of every element `css` matches.
    fn select_texts(&self, css: &str) -> Vec<String> {
        self.select_all(css).into_iter().map(text).collect()
    }

    /// The attribute `name` of the first element `css` matches.
    fn select_attr(&self, css: &str, name: &str) -> Option<String> {
        self.select_first(css).and_then(|e| e.attr(name)).map(str::to_owned)
    }

    /// The attribute `name` of every element `css` matches that has it.
    fn select_attrs(&self, css: &str, name: &str) -> Vec<String> {
        self.select_all(css).into_iter().filter_map(|e| e.attr(name)).map(str::to_owned).collect()
    }
}

impl Markup for Html {
    fn select_all(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.select(&selector(css)).collect()
    }
}

impl Markup for ElementRef<'_> {
    fn select_all(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.select(&selector(css)).collect()
    }
}

/// `html` parsed as a whole document.
pub fn parse(html: &str) -> Html {
    Html::parse_document(html)
}

impl Page {
    /// The body parsed as a whole document.
    pub fn html(&self) -> Html {
        parse(&self.body)
    }
}

/// The error message shown next to a form field, if any.
pub fn field_error(html: &str, field: &str) -> Option<String> {
    parse(html).select_text(&format!("[id=\"{field}-error\"][role=alert]"))
}

/// The text a `<textarea>` is rendered with.
pub fn textarea_value(html: &str, field: &str) -> Option<String> {
    parse(html).select_text(&format!("textarea[name=\"{field}\"]"))
}

/// The value of the element with this id.
pub fn input_value_by_id(html: &str, id: &str) -> Option<String> {
    parse(html).select_attr(&format!("[id=\"{id}\"]"), "value")
}

/// The value an `<input>` is rendered with.
pub fn input_value(html: &str, field: &str) -> Option<String> {
    parse(html).select_attr(&format!("input[id=\"{field}\"][name=\"{field}\"]"), "value")
}

/// The hidden CSRF token of the (first) form on a page.
pub fn csrf(html: &str) -> String {
    parse(html).select_attr("input[name=csrf_token]", "value").expect("a csrf_token field")
}

/// The first merchant offered on the complaint form.
pub fn first_merchant(html: &str) -> String {
    let offered = parse(html).select_attrs("select[name=merchant] option", "value");
    offered.into_iter().find(|v| !v.is_empty()).expect("a merchant on the form")
}

/// The reference in a complaint page's heading.
pub fn reference(html: &str) -> String {
    parse(html).select_text("h1.reference").expect("a complaint's reference")
}

/// The text between `start` and the next `end`, in text that is not markup
/// (a mail, a header, the metrics).
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

//! What staff type into a list's search box: a complaint's reference, an
//! order number or the consumer's mobile number, each matched exactly (an
//! index look-up, never a scan of the text).
//!
//! What was typed is read as every kind it can be: `13800138000` is a
//! mobile number and could be an order number too (JD's are 11 or 12
//! digits), so both are looked up. A phone number is normalised the way
//! the complaint form stores it (`Phone::parse`), a reference the way the
//! tracking look-up does (`reference::normalise`).

use super::complaint::ORDER_REF_MAX;
use super::contact::Phone;
use super::reference;

/// The longest query read: an order number's limit (a reference and a
/// phone number, spaces and all, are shorter).
pub const QUERY_MAX: usize = ORDER_REF_MAX;

/// The exact values to look a query up by; at least one is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// `TS20261120000123`, upper case, without spaces.
    pub reference: Option<String>,
    /// The 11 digits, as `consumer_phone` holds them.
    pub phone: Option<Phone>,
    /// The order number as typed (without spaces), and in upper case when
    /// that differs: `dy4829301756` finds `DY4829301756`.
    pub order_refs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchError {
    /// Longer than [`QUERY_MAX`] characters.
    TooLong,
    /// Not a reference, an order number or a mobile number (words, say).
    NotAKey,
}

impl SearchError {
    /// The message's key in the catalog.
    pub fn key(self) -> &'static str {
        match self {
            SearchError::TooLong => "search.error_too_long",
            SearchError::NotAKey => "search.error_kind",
        }
    }
}

/// `Ok(None)` when nothing was typed (no search: the list as it is).
pub fn parse(raw: &str) -> Result<Option<Search>, SearchError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.chars().count() > QUERY_MAX {
        return Err(SearchError::TooLong);
    }
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let mut order_refs = Vec::new();
    if is_order_ref(&compact) {
        let upper = compact.to_ascii_uppercase();
        order_refs.push(compact);
        if upper != order_refs[0] {
            order_refs.push(upper);
        }
    }
    let search = Search { reference: reference::normalise(raw), phone: Phone::parse(raw), order_refs };
    if search.reference.is_none() && search.phone.is_none() && search.order_refs.is_empty() {
        return Err(SearchError::NotAKey);
    }
    Ok(Some(search))
}

/// Shaped like an order number: letters, digits and `-_/#.` (no words of
/// any language), with a digit among them.
fn is_order_ref(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_/#.".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(raw: &str) -> Option<String> {
        parse(raw).unwrap().unwrap().phone.map(|p| p.as_str().to_owned())
    }

    #[test]
    fn a_phone_number_in_any_spelling_is_its_eleven_digits() {
        for raw in ["13800138000", "138 0013 8000", "+86 13800138000", "138-0013-8000", " +86 138-0013-8000 "] {
            assert_eq!(phone(raw).as_deref(), Some("13800138000"), "{raw}");
        }
    }

    #[test]
    fn each_kind_it_can_be() {
        let s = parse(" ts2026 1120 000123 ").unwrap().unwrap();
        assert_eq!(s.reference.as_deref(), Some("TS20261120000123"));
        assert_eq!(s.phone, None);
        assert_eq!(s.order_refs, ["ts20261120000123", "TS20261120000123"]);

        let s = parse("DY4829301756").unwrap().unwrap();
        assert_eq!((s.reference, s.phone, s.order_refs), (None, None, vec!["DY4829301756".to_owned()]));

        let s = parse("13800138000").unwrap().unwrap();
        assert!(s.phone.is_some());
        assert_eq!(s.order_refs, ["13800138000"], "an 11-digit order number is looked up too");

        let s = parse("+86 13800138000").unwrap().unwrap();
        assert_eq!(s.order_refs, Vec::<String>::new(), "a + is no order number");
    }

    #[test]
    fn words_and_long_text_are_refused() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("   "), Ok(None));
        for raw in ["羽绒服", "退款 不发货", "abc", "<script>", "DY-订单-1"] {
            assert_eq!(parse(raw), Err(SearchError::NotAKey), "{raw}");
        }
        assert_eq!(parse(&"1".repeat(QUERY_MAX)).map(|s| s.is_some()), Ok(true));
        assert_eq!(parse(&"1".repeat(QUERY_MAX + 1)), Err(SearchError::TooLong));
        assert_eq!(parse(&"退".repeat(QUERY_MAX + 1)), Err(SearchError::TooLong));
    }
}

//! What the public asks of the register (`/cases`): its filters, its
//! search and where a page starts, each value read as typed and refused
//! with the field it came from when it is not one of the values it may be
//! (a message, never an empty list that looks like "no cases").

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::category::Category;
use super::live::ProductCategory;
use super::state::State;

/// Cases a page lists.
pub const PAGE: i64 = 20;
/// The longest search read, in characters.
pub const QUERY_MAX: usize = 60;
/// A search is looked up by this many of its terms at most.
pub const TERMS_MAX: usize = 12;

crate::slug_enum! {
    /// A state filter: the groups the public thinks in, or one state.
    pub enum StateFilter {
        /// Not finished: waiting on the merchant, the consumer or the platform.
        Open => "open",
        /// Finished: resolved, ruled on or withdrawn.
        Finished => "finished",
        Submitted => "submitted",
        Responded => "responded",
        Proposed => "proposed",
        Resolved => "resolved",
        Escalated => "escalated",
        Closed => "closed",
        Withdrawn => "withdrawn",
    }
}

impl StateFilter {
    /// The complaint states it lets through.
    pub fn states(self) -> Vec<State> {
        match self {
            StateFilter::Open => vec![State::Submitted, State::Responded, State::Proposed, State::Escalated],
            StateFilter::Finished => vec![State::Resolved, State::Closed, State::Withdrawn],
            one => State::from_slug(one.slug()).into_iter().collect(),
        }
    }

    /// The key of its name in the catalog: a group's own, a state's.
    pub fn key(self) -> &'static str {
        match self {
            StateFilter::Open => "published.state_open",
            StateFilter::Finished => "published.state_finished",
            one => State::from_slug(one.slug()).map_or("published.state_open", State::key),
        }
    }
}

/// The query as typed: every value a string, empty when not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asked {
    pub merchant: String,
    pub product_category: String,
    pub category: String,
    pub state: String,
    pub from: String,
    pub to: String,
    pub q: String,
    pub before: String,
}

impl Asked {
    /// From the query string's pairs; an unknown name is ignored (`lang`),
    /// a name sent twice keeps its last value.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Asked {
        let mut asked = Asked::default();
        for (name, value) in pairs {
            let slot = match name {
                "merchant" => &mut asked.merchant,
                "product_category" => &mut asked.product_category,
                "category" => &mut asked.category,
                "state" => &mut asked.state,
                "from" => &mut asked.from,
                "to" => &mut asked.to,
                "q" => &mut asked.q,
                "before" => &mut asked.before,
                _ => continue,
            };
            *slot = value.trim().to_owned();
        }
        asked
    }

    /// The filters as a query string (without `before`), for the links of
    /// the next page and of the files: each pair sent, percent-encoded.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("merchant", self.merchant.as_str()),
            ("product_category", &self.product_category),
            ("category", &self.category),
            ("state", &self.state),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }
}

/// What the register is filtered by, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub merchant: Option<i64>,
    pub product_category: Option<ProductCategory>,
    pub category: Option<Category>,
    pub state: Option<StateFilter>,
    /// Received at or after this instant (the start of `from`'s day).
    pub received_from: Option<DateTime<Utc>>,
    /// Received before this instant (the end of `to`'s day).
    pub received_before: Option<DateTime<Utc>>,
    /// The search's terms, in the order typed, at most [`TERMS_MAX`].
    pub terms: Vec<String>,
    /// The page starts below this complaint id.
    pub before: Option<i64>,
}

/// What in the query could not be read, by the field it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterError {
    Merchant,
    ProductCategory,
    Category,
    State,
    /// Not a day written `YYYY-MM-DD`.
    Day(&'static str),
    /// `from` is after `to`.
    Backwards,
    QueryTooLong,
    /// Something typed, but nothing in it to search by (only punctuation).
    NothingToSearch,
    Before,
}

impl FilterError {
    /// The field it is about.
    pub fn field(self) -> &'static str {
        match self {
            FilterError::Merchant => "merchant",
            FilterError::ProductCategory => "product_category",
            FilterError::Category => "category",
            FilterError::State => "state",
            FilterError::Day(field) => field,
            FilterError::Backwards => "to",
            FilterError::QueryTooLong | FilterError::NothingToSearch => "q",
            FilterError::Before => "before",
        }
    }

    /// The key of its message in the catalog.
    pub fn key(self) -> &'static str {
        match self {
            FilterError::Merchant => "published.error_merchant",
            FilterError::ProductCategory => "published.error_product_category",
            FilterError::Category => "published.error_category",
            FilterError::State => "published.error_state",
            FilterError::Day(_) => "published.error_day",
            FilterError::Backwards => "published.error_backwards",
            FilterError::QueryTooLong => "published.error_query_long",
            FilterError::NothingToSearch => "published.error_query_empty",
            FilterError::Before => "published.error_before",
        }
    }
}

/// A positive row id written in decimal digits.
fn id(raw: &str) -> Option<i64> {
    (raw.len() <= 18 && !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.parse::<i64>().ok())
        .flatten()
        .filter(|n| *n > 0)
}

/// The first instant of `day` in `tz`.
fn start_of(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0)?.and_local_timezone(tz).earliest().map(|d| d.to_utc())
}

/// Reads `asked` (days in `tz`); every mistake, in the form's order.
pub fn parse(asked: &Asked, tz: Tz) -> Result<Filter, Vec<FilterError>> {
    let mut errors = Vec::new();
    let mut f = Filter::default();
    fn check(errors: &mut Vec<FilterError>, raw: &str, ok: bool, error: FilterError) {
        if !raw.is_empty() && !ok {
            errors.push(error);
        }
    }
    f.merchant = id(&asked.merchant);
    check(&mut errors, &asked.merchant, f.merchant.is_some(), FilterError::Merchant);
    f.product_category = ProductCategory::from_slug(&asked.product_category);
    check(&mut errors, &asked.product_category, f.product_category.is_some(), FilterError::ProductCategory);
    f.category = Category::from_slug(&asked.category);
    check(&mut errors, &asked.category, f.category.is_some(), FilterError::Category);
    f.state = StateFilter::from_slug(&asked.state);
    check(&mut errors, &asked.state, f.state.is_some(), FilterError::State);
    let day = |raw: &str| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().filter(|d| (1970..=9999).contains(&d.year()));
    let (from, to) = (day(&asked.from), day(&asked.to));
    check(&mut errors, &asked.from, from.is_some(), FilterError::Day("from"));
    check(&mut errors, &asked.to, to.is_some(), FilterError::Day("to"));
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        errors.push(FilterError::Backwards);
    }
    f.received_from = from.and_then(|d| start_of(d, tz));
    f.received_before = to.and_then(|d| start_of(d + Duration::days(1), tz));
    if asked.q.chars().count() > QUERY_MAX {
        errors.push(FilterError::QueryTooLong);
    } else if !asked.q.is_empty() {
        f.terms = super::register::terms::query(&asked.q);
        f.terms.truncate(TERMS_MAX);
        if f.terms.is_empty() {
            errors.push(FilterError::NothingToSearch);
        }
    }
    f.before = id(&asked.before);
    check(&mut errors, &asked.before, f.before.is_some(), FilterError::Before);
    if errors.is_empty() { Ok(f) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(pairs: &[(&str, &str)]) -> Asked {
        Asked::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn nothing_asked_is_no_filter() {
        assert_eq!(parse(&Asked::default(), chrono_tz::Asia::Shanghai), Ok(Filter::default()));
    }

    #[test]
    fn each_value_is_read_as_its_type() {
        let a = asked(&[
            ("merchant", "12"),
            ("product_category", "cosmetics"),
            ("category", "counterfeit"),
            ("state", "open"),
            ("from", "2026-11-01"),
            ("to", "2026-11-30"),
            ("before", "99"),
            ("lang", "en"),
        ]);
        let f = parse(&a, chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!(f.merchant, Some(12));
        assert_eq!(f.product_category, Some(ProductCategory::Cosmetics));
        assert_eq!(f.category, Some(Category::Counterfeit));
        assert_eq!(f.state.map(StateFilter::states).unwrap().len(), 4);
        // Days in the deployment's zone: Shanghai is 8 hours ahead of UTC.
        assert_eq!(f.received_from.unwrap().to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(f.received_before.unwrap().to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(f.before, Some(99));
    }

    #[test]
    fn what_cannot_be_read_is_refused_with_its_field() {
        let a = asked(&[
            ("merchant", "1e3"),
            ("product_category", "guns"),
            ("category", "FALSE_ADVERTISING"),
            ("state", "lost"),
            ("from", "2026-13-01"),
            ("to", "yesterday"),
            ("before", "-5"),
        ]);
        let errors = parse(&a, chrono_tz::Asia::Shanghai).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field()).collect();
        assert_eq!(fields, ["merchant", "product_category", "category", "state", "from", "to", "before"]);
        let backwards = parse(&asked(&[("from", "2026-11-30"), ("to", "2026-11-01")]), chrono_tz::Asia::Shanghai);
        assert_eq!(backwards, Err(vec![FilterError::Backwards]));
    }

    #[test]
    fn a_search_is_read_as_terms_and_bounded() {
        let f = parse(&asked(&[("q", "羽绒服")]), chrono_tz::Asia::Shanghai).unwrap();
        assert!(!f.terms.is_empty());
        let long = "假".repeat(QUERY_MAX + 1);
        assert_eq!(parse(&asked(&[("q", &long)]), chrono_tz::Asia::Shanghai), Err(vec![FilterError::QueryTooLong]));
        assert_eq!(parse(&asked(&[("q", "！？")]), chrono_tz::Asia::Shanghai), Err(vec![FilterError::NothingToSearch]));
        // One character is too little to search for: it is told so.
        assert_eq!(parse(&asked(&[("q", " 羊 ")]), chrono_tz::Asia::Shanghai), Err(vec![FilterError::NothingToSearch]));
        assert_eq!(
            parse(&asked(&[("q", "羊毛")]), chrono_tz::Asia::Shanghai).map(|f| f.terms),
            Ok(vec!["羊毛".to_owned()])
        );
        let many = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未";
        assert!(parse(&asked(&[("q", many)]), chrono_tz::Asia::Shanghai).unwrap().terms.len() <= TERMS_MAX);
    }

    #[test]
    fn the_groups_cover_every_state_once() {
        let mut all: Vec<State> = [StateFilter::Open, StateFilter::Finished].iter().flat_map(|g| g.states()).collect();
        all.sort_by_key(|s| s.slug());
        let mut every = State::ALL.to_vec();
        every.sort_by_key(|s| s.slug());
        assert_eq!(all, every);
        for s in State::ALL {
            assert_eq!(StateFilter::from_slug(s.slug()).map(StateFilter::states), Some(vec![*s]));
        }
    }
}

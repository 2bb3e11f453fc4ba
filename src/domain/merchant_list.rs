//! The public merchant list's rules: what it can be sorted by and which
//! way, how a search is compared, and which page links it shows.

use super::matching;

crate::slug_enum! {
    /// A column the list can be sorted by (`?sort=`).
    pub enum SortKey {
        Name => "name",
        /// Complaints received in the last 30 days.
        Complaints => "complaints_30",
        /// Answered, of those whose answer is due (the scorecard's "answered").
        Response => "response_rate",
        /// Resolved in time, of those whose resolution is due.
        Resolution => "resolution_rate",
        Satisfaction => "satisfaction",
    }
}

crate::slug_enum! {
    /// Which way (`?dir=`).
    pub enum Dir {
        Asc => "asc",
        Desc => "desc",
    }
}

impl SortKey {
    /// The way a column sorts when first chosen: names A to Z, every
    /// figure largest first.
    pub fn first_dir(self) -> Dir {
        match self {
            SortKey::Name => Dir::Asc,
            _ => Dir::Desc,
        }
    }
}

impl Dir {
    pub fn flipped(self) -> Dir {
        match self {
            Dir::Asc => Dir::Desc,
            Dir::Desc => Dir::Asc,
        }
    }
}

/// How the list is sorted. Merchants without a figure (no complaint due
/// yet, no rating) come after those with one, whichever the direction;
/// ties go by name, then by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub key: SortKey,
    pub dir: Dir,
}

impl Default for Order {
    fn default() -> Self {
        Order { key: SortKey::Name, dir: Dir::Asc }
    }
}

impl Order {
    /// The order asked for. As with the site's other filters, what is not
    /// one of the values is no choice: an unknown key is the default
    /// order, an unknown or missing direction the key's first one.
    pub fn asked(sort: &str, dir: &str) -> Order {
        match SortKey::from_slug(sort.trim()) {
            None => Order::default(),
            Some(key) => Order { key, dir: Dir::from_slug(dir.trim()).unwrap_or(key.first_dir()) },
        }
    }

    /// Where a column's heading links: the other way round when it is the
    /// column sorted by, else its first way.
    pub fn toggled(self, key: SortKey) -> Order {
        let dir = if key == self.key { self.dir.flipped() } else { key.first_dir() };
        Order { key, dir }
    }
}

/// A merchant's name or a search as they are compared: full-width forms
/// as half-width, traditional characters as simplified, and letters in
/// lower case (every script that has case, not only ASCII). The same on
/// both databases, because both sides are folded here and the database
/// compares exactly.
pub fn search_key(text: &str) -> String {
    text.trim().chars().map(matching::fold).flat_map(char::to_lowercase).collect()
}

/// How many pages `total` rows make, at least one (an empty list is one
/// empty page).
pub fn pages(total: i64, size: i64) -> i64 {
    ((total + size - 1) / size.max(1)).max(1)
}

/// The page numbers to link to: the first, the last, and two either side
/// of `current`; `None` where numbers are left out.
pub fn page_links(current: i64, pages: i64) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    let mut last = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || (n - current).abs() <= 2 {
            if n > last + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
    }
    out
}

/// A rate (or an average score) as the whole number the list sorts by, in
/// millionths: equal rates are equal (a quotient of whole numbers is
/// rounded the same way however it was reached), and the order is kept.
pub fn millionths(rate: f64) -> i64 {
    (rate * 1_000_000.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_is_what_was_asked_or_the_default() {
        assert_eq!(Order::asked("", ""), Order::default());
        assert_eq!(Order::asked("bogus", "desc"), Order::default());
        assert_eq!(Order::asked("satisfaction", ""), Order { key: SortKey::Satisfaction, dir: Dir::Desc });
        assert_eq!(Order::asked("satisfaction", "up"), Order { key: SortKey::Satisfaction, dir: Dir::Desc });
        assert_eq!(Order::asked(" name ", "desc"), Order { key: SortKey::Name, dir: Dir::Desc });
        let by_rate = Order::asked("response_rate", "asc");
        assert_eq!(by_rate.toggled(SortKey::Response).dir, Dir::Desc);
        assert_eq!(by_rate.toggled(SortKey::Name), Order::default());
    }

    #[test]
    fn searches_fold_case_width_and_script() {
        assert_eq!(search_key(" ＡｂＣ "), "abc");
        assert_eq!(search_key("ÉCLAIR Straße"), "éclair straße");
        assert_eq!(search_key("極光數碼"), search_key("极光数码"));
    }

    #[test]
    fn page_links_keep_the_ends_and_the_neighbourhood() {
        assert_eq!(page_links(1, 1), vec![Some(1)]);
        assert_eq!(page_links(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(page_links(6, 20), vec![Some(1), None, Some(4), Some(5), Some(6), Some(7), Some(8), None, Some(20)]);
        assert_eq!(page_links(1, 20), vec![Some(1), Some(2), Some(3), None, Some(20)]);
        assert_eq!(pages(0, 50), 1);
        assert_eq!(pages(50, 50), 1);
        assert_eq!(pages(51, 50), 2);
    }

    #[test]
    fn rates_in_millionths_order_as_the_rates_do() {
        let rate = |part: i32, whole: i32| millionths(f64::from(part) / f64::from(whole));
        assert_eq!(rate(1, 3), 333_333);
        assert_eq!(rate(2, 6), rate(1, 3));
        assert_eq!(rate(7, 7), 1_000_000);
        assert!(rate(2, 3) > rate(3, 5));
        assert_eq!(millionths(4.25), 4_250_000);
    }
}

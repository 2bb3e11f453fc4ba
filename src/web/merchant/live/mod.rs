//! `/merchant/rooms`, `/merchant/hosts`, `/merchant/products`,
//! `/merchant/sessions`: the merchant registers where and who sells what,
//! each list with its form, and each item on a page of its own (another
//! merchant's is a 404). Measures a supervisor took on an item show on its
//! page with their reasons, as a banner while they apply.

mod item;
mod lists;

pub use item::{show_host, show_product, show_room, show_session};
pub use lists::{create_host, create_product, create_room, create_session};
pub use lists::{list_hosts, list_products, list_rooms, list_sessions};

use crate::domain::complaint::{Field, FieldErrors};
use crate::i18n::Tr;

/// Which of the four lists a page is: the sub-navigation's current tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Rooms,
    Hosts,
    Products,
    Sessions,
}

pub struct TabLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

pub fn tabs(t: &Tr, current: Tab) -> Vec<TabLink> {
    [
        (Tab::Rooms, "/merchant/rooms", "live.rooms"),
        (Tab::Hosts, "/merchant/hosts", "live.hosts"),
        (Tab::Products, "/merchant/products", "live.products"),
        (Tab::Sessions, "/merchant/sessions", "live.sessions"),
    ]
    .into_iter()
    .map(|(tab, href, key)| TabLink { href, label: t.get(key).to_owned(), current: tab == current })
    .collect()
}

/// The message next to field `f`: the domain's or the service's reason.
pub fn err(t: &Tr, errors: &FieldErrors, f: Field) -> Option<String> {
    errors.get(f).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]))
}

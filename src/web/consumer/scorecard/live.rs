//! The scorecard's live rooms, hosts and products as the page shows them:
//! names, where each stands (`data-room-status`, `data-host-status`,
//! `data-review`), its complaints of the last year and the measures in
//! force on it with their reasons. A host is shown by the name used on
//! stream only.

use crate::domain::live::{HostStatus, Target};
use crate::i18n::Tr;
use crate::service::scorecard::live::{Listed, LiveRecord};
use crate::store::actions::ActionRow;
use crate::web::consumer::scorecard::{ActionView, action_view};

pub struct ItemView {
    pub id: i64,
    pub name: String,
    /// The room's platform or the product's category; empty for a host.
    pub about: String,
    /// The marker's value, a slug.
    pub status: &'static str,
    pub status_label: String,
    /// Whether the status is worth saying (a host's "active" is not).
    pub show_status: bool,
    pub complaints: i64,
    /// "3 complaints in the last year".
    pub complaints_label: String,
    pub measures: Vec<ActionView>,
}

pub struct LiveView {
    pub rooms: Vec<ItemView>,
    pub hosts: Vec<ItemView>,
    pub products: Vec<ItemView>,
}

/// What tells one item from another, whatever kind it is.
struct Head<'a> {
    id: i64,
    name: &'a str,
    about: String,
    status: &'static str,
    key: &'static str,
}

fn item<T>(t: &Tr, tz: chrono_tz::Tz, head: Head, listed: &Listed<T>) -> ItemView {
    ItemView {
        id: head.id,
        name: head.name.to_owned(),
        about: head.about,
        status: head.status,
        status_label: t.get(head.key).to_owned(),
        show_status: true,
        complaints: listed.complaints,
        complaints_label: t.fmt("scorecard_live.complaints", &[("n", &listed.complaints)]),
        measures: listed.measures.iter().map(|a| action_view(t, tz, a)).collect(),
    }
}

impl LiveView {
    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty() && self.hosts.is_empty() && self.products.is_empty()
    }

    pub fn of(t: &Tr, tz: chrono_tz::Tz, live: &LiveRecord) -> LiveView {
        let rooms = live.rooms.iter().map(|l| {
            let r = &l.item;
            let about = t.get(r.platform.key()).to_owned();
            item(t, tz, Head { id: r.id, name: &r.name, about, status: r.status.slug(), key: r.status.key() }, l)
        });
        let hosts = live.hosts.iter().map(|l| {
            let h = &l.item;
            let head = Head {
                id: h.id,
                name: &h.display_name,
                about: String::new(),
                status: h.status.slug(),
                key: h.status.key(),
            };
            ItemView { show_status: h.status == HostStatus::Banned, ..item(t, tz, head, l) }
        });
        let products = live.products.iter().map(|l| {
            let p = &l.item;
            let about = t.get(p.category.key()).to_owned();
            item(t, tz, Head { id: p.id, name: &p.name, about, status: p.review.slug(), key: p.review.key() }, l)
        });
        LiveView { rooms: rooms.collect(), hosts: hosts.collect(), products: products.collect() }
    }

    /// What an action of the record was on, named ("Live room: …"), if it
    /// was on one of these rather than on the merchant.
    pub fn subject(&self, t: &Tr, a: &ActionRow) -> Option<String> {
        let items = match a.target {
            Target::Merchant => return None,
            Target::Room => &self.rooms,
            Target::Host => &self.hosts,
            Target::Product => &self.products,
        };
        let name = items.iter().find(|i| Some(i.id) == a.target_id).map(|i| i.name.as_str());
        crate::web::view::on_words(t, a.target, name)
    }
}

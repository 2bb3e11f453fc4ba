//! The public register as the public reads it: pages of published cases
//! and one case, every text scrubbed of personal data on the way out
//! (`domain::register::scrub`, with the case's own people's names), and
//! nothing of the consumer's but what they wrote about the merchant. The
//! search index ([`index`]) and the open data files ([`open_data`]) are
//! built from the same scrubbed texts.

pub mod index;
pub mod open_data;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::domain::category::{Category, Resolution};
use crate::domain::event::{Actor, EventKind};
use crate::domain::live::{Platform, ProductCategory};
use crate::domain::progress::Progress;
use crate::domain::published::{Filter, PAGE};
use crate::domain::register::PublicResponse;
use crate::domain::register::scrub::scrub;
use crate::domain::state::{Outcome, State};
use crate::store::published::{self as store, People};
use crate::store::reliefs::{self, ReliefRow};
use crate::store::{DbConnection, live};

/// The characters of a description a list shows.
pub const EXCERPT_CHARS: usize = 80;

/// `text` scrubbed of personal data and of `people`'s names.
pub fn scrubbed(text: &str, people: &People) -> String {
    scrub(text, &people.names())
}

/// The first [`EXCERPT_CHARS`] characters of `text` scrubbed, on one line
/// ("…" when there was more).
pub fn excerpt(text: &str, people: &People) -> String {
    let clean = scrubbed(text, people);
    let flat: String = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    flat.chars().take(EXCERPT_CHARS).chain(['…']).collect()
}

/// A case of a page of the register: nothing the public may not read.
#[derive(Debug, Clone)]
pub struct Item {
    pub complaint_id: i64,
    pub reference: String,
    pub merchant_id: i64,
    pub merchant: String,
    pub submitted_at: NaiveDateTime,
    pub category: Category,
    pub product_category: Option<ProductCategory>,
    pub state: State,
    /// The description's start, scrubbed.
    pub excerpt: String,
}

/// A page of the register, and where the next one starts (the last case's
/// id, for `before=`), if there is one.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Item>,
    pub next: Option<i64>,
}

/// The page `filter` asks for, as of `now`.
pub fn list(conn: &mut DbConnection, filter: &Filter, now: DateTime<Utc>) -> diesel::QueryResult<Page> {
    let mut ids = store::page_ids(conn, filter, now, PAGE + 1)?;
    let more = ids.len() as i64 > PAGE;
    ids.truncate(PAGE as usize);
    let items: Vec<Item> = store::rows(conn, &ids, now)?
        .into_iter()
        .map(|r| Item {
            excerpt: excerpt(&r.description, &r.people),
            complaint_id: r.complaint_id,
            reference: r.reference,
            merchant_id: r.merchant_id,
            merchant: r.merchant,
            submitted_at: r.submitted_at,
            category: r.category,
            product_category: r.product_category,
            state: r.state,
        })
        .collect();
    let next = if more { items.last().map(|i| i.complaint_id) } else { None };
    Ok(Page { items, next })
}

/// A public text of a case, scrubbed.
#[derive(Debug, Clone)]
pub struct Text {
    pub at: NaiveDateTime,
    pub actor: Actor,
    pub kind: EventKind,
    pub body: String,
    /// A proposal's terms.
    pub proposal: Option<(Option<Resolution>, Option<i64>)>,
}

/// One published case, as its public page shows it: no name, no contact,
/// no order number, no evidence, no tracking token.
#[derive(Debug, Clone)]
pub struct Case {
    pub reference: String,
    pub merchant_id: i64,
    pub merchant: String,
    pub submitted_at: NaiveDateTime,
    pub category: Category,
    pub desired_resolution: Resolution,
    pub amount_fen: Option<i64>,
    pub product: Option<(String, ProductCategory)>,
    pub room: Option<(String, Platform)>,
    /// The description, scrubbed.
    pub narrative: String,
    pub texts: Vec<Text>,
    /// Its deadlines as they stand.
    pub progress: Progress,
    pub outcome: Option<Outcome>,
    pub relief: Option<ReliefRow>,
    pub response: Option<PublicResponse>,
}

/// The case `reference` if it is published at `now`; `None` for any other
/// (unconsented, withdrawn, hidden, not yet due, or no such case alike).
pub fn case(conn: &mut DbConnection, reference: &str, now: DateTime<Utc>) -> diesel::QueryResult<Option<Case>> {
    let Some((c, merchant, entry)) = store::find(conn, reference, now)? else { return Ok(None) };
    let named = live::named(conn, &c)?;
    let mut people = People {
        consumer_name: c.consumer_name.clone(),
        consumer_phone: c.consumer_phone.clone(),
        consumer_email: c.consumer_email.clone(),
        order_ref: c.order_ref.clone(),
        host_id: c.host_id,
        host_real_name: None,
    };
    store::host_names(conn, &mut [&mut people])?;
    let texts = store::public_texts(conn, c.id)?
        .into_iter()
        .map(|e| Text {
            body: scrubbed(e.body.as_deref().unwrap_or(""), &people),
            proposal: (e.kind == EventKind::Proposal).then(|| {
                let (resolution, fen) = e.data.as_deref().and_then(|d| d.split_once('|')).unwrap_or(("", ""));
                (Resolution::from_slug(resolution), fen.parse().ok())
            }),
            at: e.at,
            actor: e.actor,
            kind: e.kind,
        })
        .collect();
    Ok(Some(Case {
        narrative: scrubbed(&c.description, &people),
        reference: c.reference.clone(),
        merchant_id: c.merchant_id,
        merchant,
        submitted_at: c.submitted_at,
        category: c.category,
        desired_resolution: c.desired_resolution,
        amount_fen: c.amount_fen,
        product: named.product.map(|p| (p.name, p.category)),
        room: named.room.map(|r| (r.name, r.platform)),
        texts,
        progress: c.progress(),
        outcome: c.outcome,
        relief: reliefs::latest(conn, c.id)?,
        response: entry.response,
    }))
}

/// How many of the merchant's cases are published, up to `cap`.
pub fn count_for_merchant(
    conn: &mut DbConnection,
    merchant_id: i64,
    now: DateTime<Utc>,
    cap: i64,
) -> diesel::QueryResult<i64> {
    store::count_for_merchant(conn, merchant_id, now, cap)
}

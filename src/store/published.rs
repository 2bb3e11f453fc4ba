//! The public register's pages (`/cases`, `/cases/{reference}`), read: a
//! page of published cases newest first, found through the filters' own
//! indexes or, for a search, through the postings of its rarest term; one
//! published case by reference. Every read is filtered by
//! [`listed`](super::register::listed), so nothing unconsented, withdrawn, hidden or not
//! yet due is read for the public.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::complaints::Complaint;
use super::register::{Entry, listed};
use super::schema::{complaint_events, complaints, merchants, register_entries, register_terms};
use super::{DbConnection, to_db};
use crate::domain::category::Category;
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::live::ProductCategory;
use crate::domain::published::Filter;
use crate::domain::state::State;

/// A search term's postings counted up to this many: enough to tell a rare
/// term from a common one without reading all of a common one's.
const RARITY_CAP: i64 = 1_000;

/// Ids grow with filing time, give or take the complaints filed at the same
/// moment: a day's bounds as ids are widened by this much, and the days
/// themselves checked row by row.
const ID_SLACK: i64 = 10_000;

/// What a case says of its people, for the scrubber: the consumer's name
/// and contact as given, the order number, the host's real name.
#[derive(Debug, Clone, Default)]
pub struct People {
    pub consumer_name: String,
    pub consumer_phone: Option<String>,
    pub consumer_email: Option<String>,
    pub order_ref: String,
    pub host_id: Option<i64>,
    /// Filled by [`host_names`].
    pub host_real_name: Option<String>,
}

impl People {
    /// Everything to take out of the case's texts, longest first (so that
    /// a name inside another is not taken out first).
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = [Some(self.consumer_name.as_str()), Some(self.order_ref.as_str())]
            .into_iter()
            .chain([self.consumer_phone.as_deref(), self.consumer_email.as_deref(), self.host_real_name.as_deref()])
            .flatten()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        names.dedup();
        names
    }
}

/// A case of a page of the register.
#[derive(Debug, Clone)]
pub struct Listed {
    pub complaint_id: i64,
    pub reference: String,
    pub merchant_id: i64,
    pub merchant: String,
    pub submitted_at: NaiveDateTime,
    pub category: Category,
    pub product_category: Option<ProductCategory>,
    pub state: State,
    /// As typed: to be scrubbed before anyone sees it.
    pub description: String,
    pub people: People,
}

type ListedTuple = (
    i64,
    String,
    i64,
    String,
    NaiveDateTime,
    Category,
    Option<ProductCategory>,
    State,
    String,
    (String, Option<String>, Option<String>, String, Option<i64>),
);

/// Applies the filters that both ways of walking share to a boxed query
/// over `register_entries` and `complaints`.
macro_rules! filtered {
    ($q:expr, $f:expr, $now:expr) => {{
        let f: &Filter = $f;
        let mut q = $q.filter(listed($now));
        if let Some(m) = f.merchant {
            q = q.filter(register_entries::merchant_id.eq(m));
        }
        if let Some(c) = f.category {
            q = q.filter(register_entries::category.eq(c));
        }
        if let Some(p) = f.product_category {
            q = q.filter(register_entries::product_category.eq(p));
        }
        if let Some(s) = f.state {
            q = q.filter(complaints::state.eq_any(s.states()));
        }
        if let Some(from) = f.received_from {
            q = q.filter(register_entries::submitted_at.ge(to_db(from)));
        }
        if let Some(before) = f.received_before {
            q = q.filter(register_entries::submitted_at.lt(to_db(before)));
        }
        q
    }};
}

/// The id of the first complaint filed at or after `at` (a range of
/// `complaints_submitted`), if any.
fn first_id_since(conn: &mut DbConnection, at: DateTime<Utc>) -> QueryResult<Option<i64>> {
    complaints::table
        .filter(complaints::submitted_at.ge(to_db(at)))
        .order(complaints::submitted_at)
        .select(complaints::id)
        .first(conn)
        .optional()
}

/// The range of ids the filter's days allow, widened by [`ID_SLACK`]: so
/// that a walk down the ids starts at the last day asked for and stops at
/// the first, rather than reading every later case and every earlier one.
/// `None` when nothing was filed since the first day.
fn id_bounds(conn: &mut DbConnection, f: &Filter) -> QueryResult<Option<(Option<i64>, Option<i64>)>> {
    let low = match f.received_from {
        Some(at) => match first_id_since(conn, at)? {
            Some(id) => Some(id - ID_SLACK),
            None => return Ok(None),
        },
        None => None,
    };
    let high = match f.received_before {
        Some(at) => first_id_since(conn, at)?.map(|id| id + ID_SLACK),
        None => None,
    };
    Ok(Some((low, high)))
}

/// How many postings `term` has, up to [`RARITY_CAP`].
fn postings(conn: &mut DbConnection, term: &str) -> QueryResult<usize> {
    let ids: Vec<i64> = register_terms::table
        .filter(register_terms::term.eq(term))
        .select(register_terms::complaint_id)
        .limit(RARITY_CAP)
        .load(conn)?;
    Ok(ids.len())
}

/// The ids of up to `limit` published cases matching `f`, newest first.
/// Without a search: a walk down the primary key, or down the merchant's,
/// category's or product category's index. With one: a walk down the
/// postings of its rarest term (its part of the primary key of
/// `register_terms`), each candidate checked for the other terms by
/// primary key (`EXISTS`): never a scan of the texts.
pub fn page_ids(conn: &mut DbConnection, f: &Filter, now: DateTime<Utc>, limit: i64) -> QueryResult<Vec<i64>> {
    let Some((low, high)) = id_bounds(conn, f)? else { return Ok(Vec::new()) };
    let below = [f.before, high].into_iter().flatten().min();
    if f.terms.is_empty() {
        let mut q = filtered!(
            register_entries::table.inner_join(complaints::table).select(register_entries::complaint_id).into_boxed(),
            f,
            now
        );
        if let Some(below) = below {
            q = q.filter(register_entries::complaint_id.lt(below));
        }
        if let Some(low) = low {
            q = q.filter(register_entries::complaint_id.ge(low));
        }
        return q.order(register_entries::complaint_id.desc()).limit(limit).load(conn);
    }
    let mut counted = Vec::with_capacity(f.terms.len());
    for (i, term) in f.terms.iter().enumerate() {
        let n = postings(conn, term)?;
        if n == 0 {
            return Ok(Vec::new());
        }
        counted.push((n, i));
    }
    let rarest = counted.iter().min().map_or(0, |(_, i)| *i);
    let mut q = filtered!(
        register_terms::table
            .inner_join(register_entries::table.on(register_entries::complaint_id.eq(register_terms::complaint_id)))
            .inner_join(complaints::table.on(complaints::id.eq(register_terms::complaint_id)))
            .filter(register_terms::term.eq(f.terms[rarest].clone()))
            .select(register_terms::complaint_id)
            .into_boxed(),
        f,
        now
    );
    for (_, term) in f.terms.iter().enumerate().filter(|(i, _)| *i != rarest) {
        q = q.filter(
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM register_terms other WHERE other.complaint_id = register_terms.complaint_id \
                 AND other.term = ",
            )
            .bind::<Text, _>(term.clone())
            .sql(")"),
        );
    }
    if let Some(below) = below {
        q = q.filter(register_terms::complaint_id.lt(below));
    }
    if let Some(low) = low {
        q = q.filter(register_terms::complaint_id.ge(low));
    }
    q.order(register_terms::complaint_id.desc()).limit(limit).load(conn)
}

/// The cases `ids` (from [`page_ids`]), in that order; the published ones only.
pub fn rows(conn: &mut DbConnection, ids: &[i64], now: DateTime<Utc>) -> QueryResult<Vec<Listed>> {
    let found: Vec<ListedTuple> = register_entries::table
        .inner_join(complaints::table)
        .inner_join(merchants::table.on(merchants::id.eq(register_entries::merchant_id)))
        .filter(register_entries::complaint_id.eq_any(ids))
        .filter(listed(now))
        .select((
            register_entries::complaint_id,
            complaints::reference,
            register_entries::merchant_id,
            merchants::name,
            register_entries::submitted_at,
            register_entries::category,
            register_entries::product_category,
            complaints::state,
            complaints::description,
            (
                complaints::consumer_name,
                complaints::consumer_phone,
                complaints::consumer_email,
                complaints::order_ref,
                complaints::host_id,
            ),
        ))
        .load(conn)?;
    let mut rows: Vec<Listed> = found
        .into_iter()
        .map(
            |(
                complaint_id,
                reference,
                merchant_id,
                merchant,
                submitted_at,
                category,
                product_category,
                state,
                description,
                p,
            )| {
                Listed {
                    complaint_id,
                    reference,
                    merchant_id,
                    merchant,
                    submitted_at,
                    category,
                    product_category,
                    state,
                    description,
                    people: People {
                        consumer_name: p.0,
                        consumer_phone: p.1,
                        consumer_email: p.2,
                        order_ref: p.3,
                        host_id: p.4,
                        host_real_name: None,
                    },
                }
            },
        )
        .collect();
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.complaint_id));
    let mut people: Vec<&mut People> = rows.iter_mut().map(|r| &mut r.people).collect();
    host_names(conn, &mut people)?;
    Ok(rows)
}

/// Fills in the real names of the hosts `people` name: one look-up for
/// each host.
pub fn host_names(conn: &mut DbConnection, people: &mut [&mut People]) -> QueryResult<()> {
    let mut known: HashMap<i64, Option<String>> = HashMap::new();
    for p in people.iter_mut() {
        let Some(id) = p.host_id else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = known.entry(id) {
            slot.insert(super::live::find_host(conn, id)?.map(|h| h.real_name));
        }
        p.host_real_name = known.get(&id).cloned().flatten();
    }
    Ok(())
}

/// A published case by its reference, with its merchant's name and its
/// register row; `None` for any case the public may not see.
pub fn find(
    conn: &mut DbConnection,
    reference: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<(Complaint, String, Entry)>> {
    complaints::table
        .inner_join(register_entries::table)
        .inner_join(merchants::table.on(merchants::id.eq(complaints::merchant_id)))
        .filter(complaints::reference.eq(reference))
        .filter(listed(now))
        .select((Complaint::as_select(), merchants::name, Entry::as_select()))
        .first(conn)
        .optional()
}

/// One public text of a case: a reply of the consumer or the merchant, or
/// the merchant's proposal.
#[derive(Debug, Clone, Queryable)]
pub struct PublicText {
    pub at: NaiveDateTime,
    pub actor: Actor,
    /// An [`EventKind`]'s slug.
    pub kind: EventKind,
    pub body: Option<String>,
    /// A proposal's terms (`resolution|fen`).
    pub data: Option<String>,
}

/// The kinds of timeline entry whose text a published case shows.
pub const PUBLIC_KINDS: [EventKind; 3] = [EventKind::Reply, EventKind::ConsumerReply, EventKind::Proposal];

/// The case's public replies of the consumer and the merchant and the
/// merchant's proposals, in order: never an internal note, never what the
/// platform's staff wrote.
pub fn public_texts(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Vec<PublicText>> {
    complaint_events::table
        .filter(complaint_events::complaint_id.eq(complaint_id))
        .filter(complaint_events::visibility.eq(Visibility::Public))
        .filter(complaint_events::kind.eq_any(PUBLIC_KINDS))
        .filter(complaint_events::actor.eq_any([Actor::Consumer, Actor::Merchant]))
        .order(complaint_events::id)
        .select((
            complaint_events::at,
            complaint_events::actor,
            complaint_events::kind,
            complaint_events::body,
            complaint_events::data,
        ))
        .load(conn)
}

/// How many of the merchant's cases are published, counted up to `cap`
/// (a range of `register_entries_merchant`, however many it has).
pub fn count_for_merchant(conn: &mut DbConnection, merchant_id: i64, now: DateTime<Utc>, cap: i64) -> QueryResult<i64> {
    let ids: Vec<i64> = register_entries::table
        .filter(register_entries::merchant_id.eq(merchant_id))
        .filter(listed(now))
        .select(register_entries::complaint_id)
        .limit(cap)
        .load(conn)?;
    Ok(ids.len() as i64)
}

/// Whether a merchant of this id exists (a filter naming none is refused).
pub fn merchant_name(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Option<String>> {
    merchants::table.find(merchant_id).select(merchants::name).first(conn).optional()
}

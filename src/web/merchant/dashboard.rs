//! `/merchant`: counters, filters and the list, nearest deadline first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::domain::category::Category;
use crate::domain::search::{Search, SearchError};
use crate::domain::state::State;
use crate::error::AppError;
use crate::store::complaints::Complaint;
use crate::store::dashboard::{self as queries, Counters, Cursor, Due, ListQuery};
use crate::store::{actions, from_db, merchants, search};
use crate::web::AppState;
use crate::web::consumer::Choice;
use crate::web::list_row::{self, RowFacts, SearchBox};
use crate::web::page::{PageCtx, render};
use crate::web::session::MerchantStaff;
use crate::web::view::{self, TimeView};

const PAGE_SIZE: i64 = 25;

/// "Due soon" means within this.
pub fn soon() -> Duration {
    Duration::hours(12)
}

pub struct RowView {
    pub reference: String,
    pub state: &'static str,
    pub state_label: String,
    pub category: String,
    pub consumer_name: String,
    pub submitted: TimeView,
    /// Order number, amount, remedy, excerpt, deadline, verified mark.
    pub facts: RowFacts,
}

#[derive(Template)]
#[template(path = "merchant/dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    merchant: String,
    counters: Counters,
    rows: Vec<RowView>,
    states: Vec<Choice>,
    categories: Vec<Choice>,
    dues: Vec<Choice>,
    next_page: Option<String>,
    filtered: bool,
    search: SearchBox,
    /// Restrictions and suspensions in force: a banner each.
    /// (kind, what it was taken on if not the merchant, reason).
    banners: Vec<(String, Option<String>, String)>,
}

fn row(state: &AppState, t: &crate::i18n::Tr, now: DateTime<Utc>, c: &Complaint) -> RowView {
    let progress = state.progress_at(c, now);
    let facts = list_row::facts(state, t, now, c, &progress);
    RowView {
        reference: c.reference.clone(),
        state: progress.state.slug(),
        state_label: t.get(progress.state.key()).to_owned(),
        category: t.get(c.category.key()).to_owned(),
        consumer_name: c.consumer_name.clone(),
        submitted: view::time(t, state.config.tz, from_db(c.submitted_at)),
        facts,
    }
}

fn parse_cursor(raw: &str) -> Option<Cursor> {
    if let Some(id) = raw.strip_prefix('i') {
        return id.parse().ok().map(Cursor::Id);
    }
    let (micros, id) = raw.strip_prefix('d')?.split_once('-')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some(Cursor::Due(at, id.parse().ok()?))
}

fn format_cursor(c: Cursor) -> String {
    match c {
        Cursor::Id(id) => format!("i{id}"),
        Cursor::Due(at, id) => format!("d{}-{id}", at.and_utc().timestamp_micros()),
    }
}

/// The filters, the search and the page asked for (`state`, `category`,
/// `due`, `q`, `after`); what is not one of a filter's values is no filter.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Asked {
    state: String,
    category: String,
    due: String,
    q: String,
    after: String,
}

impl Asked {
    fn list(&self) -> ListQuery {
        ListQuery {
            state: State::from_slug(&self.state),
            category: Category::from_slug(&self.category),
            due: Due::from_slug(&self.due),
            after: parse_cursor(&self.after),
        }
    }

    /// The filters set, as the search box keeps them.
    fn filters(&self) -> Vec<(&'static str, String)> {
        list_row::kept(&[("state", &self.state), ("category", &self.category), ("due", &self.due)])
    }

    /// The link to the page after `cursor`, with the same filters and search.
    fn next_page(&self, cursor: Cursor) -> String {
        let mut params = self.filters();
        params.extend(list_row::kept(&[("q", self.q.trim())]));
        params.push(("after", format_cursor(cursor)));
        list_row::href("/merchant", &params)
    }
}

/// What the list shows: a page of complaints, or of those a search found.
enum Shown {
    List(ListQuery),
    Search(Search, Option<i64>),
    /// The query cannot be looked up: its message instead of rows.
    Refused,
}

#[get("/merchant")]
pub async fn dashboard(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    asked: web::Query<Asked>,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let list = asked.list();
    let (search, mut search_box) = list_row::asked(&t, "/merchant", &asked.q, asked.filters());
    let shown = match search {
        Ok(None) => Shown::List(list.clone()),
        Ok(Some(s)) => Shown::Search(s, if let Some(Cursor::Id(id)) = list.after { Some(id) } else { None }),
        // Its message is in the search box.
        Err(SearchError::TooLong | SearchError::NotAKey) => Shown::Refused,
    };
    let searched = !matches!(shown, Shown::List(_));
    let now = state.clock.now();
    let merchant_id = who.merchant_id;
    let q = list.clone();
    let (merchant, counters, (rows, next), (taken, names)) = state
        .db(move |conn| {
            let merchant = merchants::find(conn, merchant_id)?.ok_or(AppError::NotFound)?;
            let counters = queries::counters(conn, merchant_id, now, soon())?;
            let page = match &shown {
                Shown::List(q) => queries::list(conn, merchant_id, q, now, soon(), PAGE_SIZE)?,
                Shown::Search(s, after) => {
                    let (rows, next) = search::merchant(conn, merchant_id, s, &q, *after, (now, soon()), PAGE_SIZE)?;
                    (rows, next.map(Cursor::Id))
                }
                Shown::Refused => (Vec::new(), None),
            };
            let taken = actions::for_merchant_at(conn, merchant_id, now)?;
            let names = crate::store::live::target_names(conn, &taken)?;
            Ok((merchant.name, counters, page, (taken, names)))
        })
        .await?;
    let refused = search_box.field.error.is_some();
    if searched && !refused {
        search_box.found(&t, rows.len(), next.is_some());
    }
    let choice =
        |value: &str, label: String, picked: &str| Choice { value: value.into(), label, selected: value == picked };
    let page = DashboardPage {
        merchant,
        counters,
        rows: rows.iter().map(|c| row(&state, &t, now, c)).collect(),
        states: State::ALL.iter().map(|s| choice(s.slug(), t.get(s.key()).into(), &asked.state)).collect(),
        categories: Category::ALL.iter().map(|c| choice(c.slug(), t.get(c.key()).into(), &asked.category)).collect(),
        dues: Due::ALL.iter().map(|d| choice(d.slug(), t.get(d.key()).into(), &asked.due)).collect(),
        next_page: next.map(|cursor| asked.next_page(cursor)),
        filtered: searched
            || list.state.is_some()
            || list.category.is_some()
            || list.due.is_some()
            || list.after.is_some(),
        search: search_box,
        banners: taken
            .iter()
            .filter(|a| a.ended_at.is_none() && a.kind.is_ongoing())
            .map(|a| (t.get(a.kind.key()).to_owned(), crate::web::view::target_words(&t, &names, a), a.reason.clone()))
            .collect(),
        ctx,
    };
    render(if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::from_timestamp_micros(1_763_604_000_123_456).unwrap().naive_utc();
        for c in [Cursor::Id(42), Cursor::Due(at, 7)] {
            assert_eq!(parse_cursor(&format_cursor(c)), Some(c));
        }
        assert_eq!(parse_cursor("x1"), None);
        assert_eq!(parse_cursor("d12"), None);
    }
}

//! `/merchant`: counters, filters and the list, nearest deadline first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::domain::category::Category;
use crate::domain::deadline::DeadlineKind;
use crate::domain::event::Viewer;
use crate::domain::state::State;
use crate::error::AppError;
use crate::store::complaints::Complaint;
use crate::store::dashboard::{self as queries, Counters, Cursor, Due, ListQuery};
use crate::store::{actions, from_db, merchants};
use crate::web::AppState;
use crate::web::consumer::Choice;
use crate::web::page::{PageCtx, render};
use crate::web::session::MerchantStaff;
use crate::web::view::{self, DeadlineView, TimeView};

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
    pub deadline: DeadlineView,
    /// The consumer's phone number was proved by a code.
    pub phone_verified: bool,
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
    /// Restrictions and suspensions in force: a banner each.
    /// (kind, what it was taken on if not the merchant, reason).
    banners: Vec<(String, Option<String>, String)>,
}

fn row(state: &AppState, t: &crate::i18n::Tr, now: DateTime<Utc>, c: &Complaint) -> RowView {
    let tz = state.config.tz;
    let progress = state.progress_at(c, now);
    let (kind, facts) = if progress.responded_at.is_none() && !progress.state.is_final() {
        (DeadlineKind::Response, progress.response())
    } else {
        (DeadlineKind::Resolution, progress.resolution())
    };
    RowView {
        reference: c.reference.clone(),
        state: progress.state.slug(),
        state_label: t.get(progress.state.key()).to_owned(),
        category: t.get(c.category.key()).to_owned(),
        consumer_name: c.consumer_name.clone(),
        submitted: view::time(t, tz, from_db(c.submitted_at)),
        deadline: view::deadline(t, tz, kind, &facts, now, Viewer::Merchant),
        phone_verified: c.phone_verified_at.is_some(),
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

/// The filters and the page asked for (`state`, `category`, `due`,
/// `after`); what is not one of their values is no filter.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Asked {
    state: String,
    category: String,
    due: String,
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

    /// The link to the page after `cursor`, with the same filters.
    fn next_page(&self, cursor: Cursor) -> String {
        let mut params: Vec<String> = [("state", &self.state), ("category", &self.category), ("due", &self.due)]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::error::encode_component(v)))
            .collect();
        params.push(format!("after={}", format_cursor(cursor)));
        format!("/merchant?{}", params.join("&"))
    }
}

#[get("/merchant")]
pub async fn dashboard(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    asked: web::Query<Asked>,
) -> Result<HttpResponse, AppError> {
    let list = asked.list();
    let now = state.clock.now();
    let merchant_id = who.merchant_id;
    let q = list.clone();
    let (merchant, counters, (rows, next), (taken, names)) = state
        .db(move |conn| {
            let merchant = merchants::find(conn, merchant_id)?.ok_or(AppError::NotFound)?;
            let counters = queries::counters(conn, merchant_id, now, soon())?;
            let page = queries::list(conn, merchant_id, &q, now, soon(), PAGE_SIZE)?;
            let taken = actions::for_merchant_at(conn, merchant_id, now)?;
            let names = crate::store::live::target_names(conn, &taken)?;
            Ok((merchant.name, counters, page, (taken, names)))
        })
        .await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
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
        filtered: list.state.is_some() || list.category.is_some() || list.due.is_some() || list.after.is_some(),
        banners: taken
            .iter()
            .filter(|a| a.ended_at.is_none() && a.kind.is_ongoing())
            .map(|a| (t.get(a.kind.key()).to_owned(), crate::web::view::target_words(&t, &names, a), a.reason.clone()))
            .collect(),
        ctx,
    };
    render(StatusCode::OK, &page)
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

//! `/merchants`: every merchant with its scorecard's figures, sortable,
//! searchable, a page at a time (`service::merchant_list`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::Choice;
use super::scorecard::{percent, satisfaction};
use crate::domain::merchant_list::{Dir, Order, SortKey, page_links};
use crate::error::{AppError, encode_component};
use crate::i18n::Tr;
use crate::service::merchant_list::{Asked, ListError, ListPage, Listed, list as list_page};
use crate::web::AppState;
use crate::web::page::{PageCtx, render};

pub struct MerchantRow {
    pub id: i64,
    pub name: String,
    pub supervision: &'static str,
    pub supervision_label: String,
    pub complaints_30: usize,
    pub response_rate: String,
    pub resolution_rate: String,
    pub satisfaction: String,
}

/// A column's heading: its label and, when it sorts, where it links and
/// whether the list is sorted by it.
pub struct Column {
    pub key: &'static str,
    pub label: String,
    pub href: Option<String>,
    /// `aria-sort` of the column sorted by: `ascending` or `descending`.
    pub sorted: Option<&'static str>,
}

/// A numbered page link; `None` stands for the numbers left out.
pub struct PageLink {
    pub number: Option<i64>,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "consumer/merchants.html")]
struct MerchantsPage {
    ctx: PageCtx,
    q: String,
    /// For the form's hidden fields: the order kept when searching.
    sort: &'static str,
    dir: &'static str,
    rows: Vec<MerchantRow>,
    columns: Vec<Column>,
    /// The sort form for narrow screens, where the headings are hidden.
    sorts: Vec<Choice>,
    dirs: Vec<Choice>,
    /// "120 merchants · page 2 of 3".
    summary: String,
    pages: Vec<PageLink>,
    prev: Option<String>,
    next: Option<String>,
    /// Asked for a page past the last: what there is instead.
    missing: Option<String>,
}

/// The list's query: `q`, `sort`, `dir`, `page`. What is not one of a
/// value's choices is no choice (the default order, the first page).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Query {
    q: String,
    sort: String,
    dir: String,
    page: String,
}

fn href(q: &str, order: Order, page: i64) -> String {
    let mut out = String::from("/merchants?");
    if !q.is_empty() {
        out.push_str(&format!("q={}&", encode_component(q)));
    }
    out.push_str(&format!("sort={}&dir={}", order.key.slug(), order.dir.slug()));
    if page > 1 {
        out.push_str(&format!("&page={page}"));
    }
    out
}

fn label(key: SortKey) -> &'static str {
    match key {
        SortKey::Name => "merchant_list.name",
        SortKey::Complaints => "merchant_list.complaints_30",
        SortKey::Response => "merchant_list.response_rate",
        SortKey::Resolution => "merchant_list.resolution_rate",
        SortKey::Satisfaction => "merchant_list.satisfaction",
    }
}

fn row(t: &Tr, m: Listed) -> MerchantRow {
    let rates = m.figures.rates(Vec::new());
    MerchantRow {
        id: m.merchant_id,
        name: m.name,
        supervision: m.supervision.slug(),
        supervision_label: t.get(m.supervision.key()).to_owned(),
        complaints_30: m.figures.received()[0],
        response_rate: percent(rates.response),
        resolution_rate: percent(rates.on_time_resolution),
        satisfaction: satisfaction(t, m.figures.satisfaction()),
    }
}

#[get("/merchants")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    let q = query.q.trim().to_owned();
    let order = Order::asked(&query.sort, &query.dir);
    // Not a whole number from 1: the first page.
    let page = query.page.trim().parse::<i64>().ok().filter(|p| *p >= 1).unwrap_or(1);
    let asked = Asked { q: q.clone(), order, page, size: state.config.merchant_list_page };
    let found = state
        .db(move |conn| match list_page(conn, &asked) {
            Ok(page) => Ok(Ok(page)),
            Err(ListError::NoSuchPage { page, pages, total }) => Ok(Err((page, pages, total))),
            Err(ListError::Db(e)) => Err(e.into()),
        })
        .await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let (status, listed, missing) = match found {
        Ok(listed) => (StatusCode::OK, listed, None),
        Err((asked, pages, total)) => {
            let notice = t.fmt("merchant_list.no_such_page", &[("page", &asked), ("pages", &pages)]);
            (StatusCode::NOT_FOUND, ListPage { rows: Vec::new(), total, page: 0, pages }, Some(notice))
        }
    };
    let columns = SortKey::ALL
        .iter()
        .map(|&key| Column {
            key: key.slug(),
            label: t.get(label(key)).to_owned(),
            href: Some(href(&q, order.toggled(key), 1)),
            sorted: (key == order.key).then_some(match order.dir {
                Dir::Asc => "ascending",
                Dir::Desc => "descending",
            }),
        })
        .chain([Column {
            key: "supervision",
            label: t.get("merchant_list.supervision").to_owned(),
            href: None,
            sorted: None,
        }])
        .collect();
    let sorts = SortKey::ALL
        .iter()
        .map(|&k| Choice { value: k.slug().into(), label: t.get(label(k)).into(), selected: k == order.key })
        .collect();
    let dirs = [(Dir::Asc, "merchant_list.asc"), (Dir::Desc, "merchant_list.desc")]
        .iter()
        .map(|&(d, key)| Choice { value: d.slug().into(), label: t.get(key).into(), selected: d == order.dir })
        .collect();
    let ListPage { rows, total, page, pages } = listed;
    let summary = if missing.is_some() {
        t.fmt("merchant_list.total", &[("n", &total)])
    } else {
        t.fmt("merchant_list.summary", &[("n", &total), ("page", &page), ("pages", &pages)])
    };
    let links = page_links(page.max(1), pages)
        .into_iter()
        .map(|n| PageLink {
            number: n,
            href: n.map_or(String::new(), |n| href(&q, order, n)),
            current: n == Some(page),
        })
        .collect();
    let page_view = MerchantsPage {
        sort: order.key.slug(),
        dir: order.dir.slug(),
        rows: rows.into_iter().map(|m| row(&t, m)).collect(),
        columns,
        sorts,
        dirs,
        summary,
        pages: if pages > 1 || missing.is_some() { links } else { Vec::new() },
        prev: (page > 1).then(|| href(&q, order, page - 1)),
        next: (page >= 1 && page < pages).then(|| href(&q, order, page + 1)),
        missing,
        q,
        ctx,
    };
    render(status, &page_view)
}

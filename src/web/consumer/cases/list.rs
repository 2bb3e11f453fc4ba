//! `GET /cases`: published cases newest first, twenty a page, the next
//! page from `before=<id>`; filtered by merchant, product category,
//! complaint category, state (a group or one), the days received
//! (`from`, `to`, `YYYY-MM-DD` in the deployment's zone), and searched
//! (`q`, Chinese or Latin words). A value that cannot be read is refused
//! with 422 and the form as typed, its message next to its field.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use super::super::Choice;
use crate::domain::category::Category;
use crate::domain::live::ProductCategory;
use crate::domain::published::{Asked, Filter, FilterError, StateFilter, parse};
use crate::error::{AppError, encode_component};
use crate::i18n::Tr;
use crate::service::published::{self, Item, Page};
use crate::store::from_db;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::view::FieldView;

/// A case of the list, as the page shows it.
pub struct ItemView {
    pub reference: String,
    pub merchant_id: i64,
    pub merchant: String,
    /// The day received, local (`YYYY-MM-DD`).
    pub received: String,
    pub category: String,
    pub product_category: Option<String>,
    pub state: &'static str,
    pub state_label: String,
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "consumer/cases.html")]
struct CasesPage {
    ctx: PageCtx,
    /// Shown when a merchant is asked for (from its scorecard's link).
    merchant: Option<FieldView>,
    merchant_name: Option<String>,
    product_category: FieldView,
    product_categories: Vec<Choice>,
    category: FieldView,
    categories: Vec<Choice>,
    state: FieldView,
    states: Vec<Choice>,
    from: FieldView,
    to: FieldView,
    q: FieldView,
    /// The form's mistakes, for its summary: (field id, words).
    mistakes: Vec<(String, String)>,
    items: Vec<ItemView>,
    /// The next page, and the first (when this is not it).
    next: Option<String>,
    first: Option<String>,
    /// Filtered or searched: "nothing matches" rather than "nothing yet".
    narrowed: bool,
}

/// `/cases?…` with the filters asked (each sent value, encoded) and `extra`.
fn href(asked: &Asked, extra: Option<(&str, String)>) -> String {
    let mut pairs: Vec<String> =
        asked.pairs().into_iter().map(|(k, v)| format!("{k}={}", encode_component(v))).collect();
    if let Some((k, v)) = extra {
        pairs.push(format!("{k}={v}"));
    }
    if pairs.is_empty() { "/cases".into() } else { format!("/cases?{}", pairs.join("&")) }
}

/// A select's options, the one typed chosen; a typed value that is none
/// of them is offered too, so that the form shows what was sent.
fn choices(typed: &str, all: impl Iterator<Item = (&'static str, String)>) -> Vec<Choice> {
    let mut out: Vec<Choice> =
        all.map(|(value, label)| Choice { selected: value == typed, value: value.into(), label }).collect();
    if !typed.is_empty() && !out.iter().any(|c| c.selected) {
        out.push(Choice { value: typed.into(), label: typed.into(), selected: true });
    }
    out
}

fn view(t: &Tr, tz: chrono_tz::Tz, i: Item) -> ItemView {
    ItemView {
        received: from_db(i.submitted_at).with_timezone(&tz).format("%Y-%m-%d").to_string(),
        category: t.get(i.category.key()).to_owned(),
        product_category: i.product_category.map(|p| t.get(p.key()).to_owned()),
        state: i.state.slug(),
        state_label: t.get(i.state.key()).to_owned(),
        reference: i.reference,
        merchant_id: i.merchant_id,
        merchant: i.merchant,
        excerpt: i.excerpt,
    }
}

#[get("/cases")]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).map_err(|_| AppError::BadRequest("query string"))?;
    let asked = Asked::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (tz, now) = (state.config.tz, state.clock.now());
    let found: Result<(Page, Option<String>), Vec<FilterError>> = match parse(&asked, tz) {
        Err(errors) => Err(errors),
        Ok(filter) => {
            let filter: Filter = filter;
            state
                .db(move |conn| {
                    let name = match filter.merchant {
                        Some(id) => match crate::store::published::merchant_name(conn, id)? {
                            Some(name) => Some(name),
                            None => return Ok(Err(vec![FilterError::Merchant])),
                        },
                        None => None,
                    };
                    Ok(Ok((published::list(conn, &filter, now)?, name)))
                })
                .await?
        }
    };
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let errors = found.as_ref().err().cloned().unwrap_or_default();
    let error = |field: &str| errors.iter().find(|e| e.field() == field).map(|e| t.get(e.key()).to_owned());
    // The field's message, if the mistake is in it.
    let field = |f: FieldView| FieldView { error: error(f.name), ..f };
    let merchant =
        (!asked.merchant.is_empty()).then(|| field(FieldView::new(&t, "published.merchant", &asked.merchant, None)));
    let fields = [
        field(FieldView::new(&t, "published.product_category", &asked.product_category, None)),
        field(FieldView::new(&t, "published.category", &asked.category, None)),
        field(FieldView::new(&t, "published.state", &asked.state, None)),
        field(FieldView::new(&t, "published.from", &asked.from, None)),
        field(FieldView::new(&t, "published.to", &asked.to, None)),
        field(FieldView::new(&t, "published.q", &asked.q, None)),
    ];
    let mut mistakes: Vec<(String, String)> =
        merchant.iter().chain(fields.iter()).filter_map(|f| f.mistake(&t)).collect();
    if let Some(e) = errors.iter().find(|e| e.field() == "before") {
        mistakes.push(("before".into(), t.get(e.key()).to_owned()));
    }
    let [product_category, category, state_field, from, to, q] = fields;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (items, next, merchant_name) = match found {
        Ok((page, name)) => {
            let next = page.next.map(|id| href(&asked, Some(("before", id.to_string()))));
            (page.items.into_iter().map(|i| view(&t, tz, i)).collect(), next, name)
        }
        Err(_) => (Vec::new(), None, None),
    };
    let page = CasesPage {
        product_categories: choices(
            &asked.product_category,
            ProductCategory::ALL.iter().map(|p| (p.slug(), t.get(p.key()).to_owned())),
        ),
        categories: choices(&asked.category, Category::ALL.iter().map(|c| (c.slug(), t.get(c.key()).to_owned()))),
        states: choices(&asked.state, StateFilter::ALL.iter().map(|s| (s.slug(), t.get(s.key()).to_owned()))),
        first: (!asked.before.is_empty()).then(|| href(&asked, None)),
        narrowed: !asked.pairs().is_empty(),
        merchant,
        merchant_name,
        product_category,
        category,
        state: state_field,
        from,
        to,
        q,
        mistakes,
        items,
        next,
        ctx,
    };
    render(status, &page)
}

//! `/supervisor`: complaints flagged high-risk at intake first (machine
//! discovery: at once, not after a breach), each with the rules and words
//! that matched; then escalated complaints, oldest escalation first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::category::Category;
use crate::domain::risk::RiskState;
use crate::domain::search::SearchError;
use crate::domain::state::{EscalationReason, State};
use crate::error::AppError;
use crate::store::from_db;
use crate::store::supervision::{self, QueueFilter};
use crate::web::AppState;
use crate::web::consumer::Choice;
use crate::web::list_row::{self, RowFacts, SearchBox};
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::supervisor::complaint::risk::{MatchedView, matched};
use crate::web::view::{self, TimeView};

const QUEUE_SIZE: i64 = 100;
/// What one page of a search's results holds.
const SEARCH_PAGE: i64 = 25;

pub struct QueueRow {
    pub reference: String,
    pub merchant: String,
    pub category: String,
    /// The state's slug for `data-status` and its words (for an escalated
    /// complaint, why); none for a high-risk one not escalated.
    pub status: Option<(&'static str, String)>,
    pub escalated: Option<TimeView>,
    /// "已等待 3 天 2 小时".
    pub waited: String,
    pub holder: Option<String>,
    /// "由 … 处理中" or "无人认领".
    pub holder_label: String,
    /// Order number, amount, remedy, excerpt, deadline, verified mark.
    pub facts: RowFacts,
    /// Flagged high-risk: the rules matched, with their words.
    pub risk: Option<Vec<MatchedView>>,
}

#[derive(Template)]
#[template(path = "supervisor/queue.html")]
struct QueuePage {
    ctx: PageCtx,
    rows: Vec<QueueRow>,
    reasons: Vec<Choice>,
    /// What the merchant filter holds: the merchant's name once known.
    merchant: String,
    categories: Vec<Choice>,
    export_href: String,
    /// "3 user reports to look at (1 high-risk)", when there are any.
    reports: Option<String>,
    search: SearchBox,
    /// A search's next page.
    next_page: Option<String>,
}

/// The filters asked for (`merchant`, `reason`, `category`), the search
/// (`q`) and its page (`after`, an id); what is not one of a filter's
/// values is no filter.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    merchant: String,
    reason: String,
    category: String,
    q: String,
    after: String,
}

impl Filters {
    fn kept(&self) -> Vec<(&'static str, String)> {
        list_row::kept(&[("merchant", self.merchant.trim()), ("reason", &self.reason), ("category", &self.category)])
    }
}

/// Which part of the page a row was found for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listed {
    HighRisk,
    Escalated,
    Found,
}

#[get("/supervisor")]
pub async fn queue(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let (search, mut search_box) = list_row::asked(&t, "/supervisor", &query.q, query.kept());
    let after = query.after.parse::<i64>().ok();
    // The merchant is typed (its id or part of its name): a list of every
    // merchant made the page hundreds of kilobytes once there were
    // thousands of them.
    let merchant = query.merchant.trim().to_owned();
    let mut filter = QueueFilter {
        reason: EscalationReason::from_slug(&query.reason),
        category: Category::from_slug(&query.category),
        ..Default::default()
    };
    let searched = !matches!(search, Ok(None));
    let (listed, next, named, (reports, high_reports)) = state
        .db(move |conn| {
            let named = if merchant.is_empty() { None } else { supervision::merchant_named(conn, &merchant)? };
            match (&named, merchant.parse::<i64>()) {
                (Some((id, _)), _) => filter.merchant_id = Some(*id),
                (None, Ok(id)) => filter.merchant_id = Some(id),
                (None, Err(_)) if !merchant.is_empty() => filter.merchant_name = Some(merchant),
                (None, Err(_)) => {}
            }
            let reports = crate::store::reports::waiting(conn)?;
            let (listed, next) = match &search {
                Ok(None) => {
                    // A flagged complaint that is also escalated is listed once, on top.
                    let high = supervision::high_risk(conn, filter.clone(), QUEUE_SIZE)?;
                    let flagged: Vec<i64> = high.iter().map(|(c, _, _)| c.id).collect();
                    let escalated = supervision::queue(conn, filter, QUEUE_SIZE)?;
                    let rest = escalated.into_iter().filter(|(c, _, _)| !flagged.contains(&c.id));
                    let all =
                        high.into_iter().map(|r| (Listed::HighRisk, r)).chain(rest.map(|r| (Listed::Escalated, r)));
                    (all.collect(), None)
                }
                Ok(Some(s)) => {
                    let (found, next) = supervision::search(conn, s, filter, after, SEARCH_PAGE)?;
                    (found.into_iter().map(|r| (Listed::Found, r)).collect::<Vec<_>>(), next)
                }
                // Its message is in the search box.
                Err(SearchError::TooLong | SearchError::NotAKey) => (Vec::new(), None),
            };
            Ok((listed, next, named, reports))
        })
        .await?;
    let tz = state.config.tz;
    let now = state.clock.now();
    let refused = search_box.field.error.is_some();
    if searched && !refused {
        search_box.found(&t, listed.len(), next.is_some());
    }
    let choice = |value: String, label: String, picked: &str| Choice { selected: value == picked, value, label };
    let mut export = vec!["state=escalated".to_owned()];
    for (key, value) in [("reason", &query.reason), ("category", &query.category)] {
        if !value.is_empty() {
            export.push(format!("{key}={}", crate::error::encode_component(value)));
        }
    }
    if let Some((id, _)) = &named {
        export.push(format!("merchant={id}"));
    }
    let reason_words = |c: &crate::store::complaints::Complaint| match c.escalation_reason.as_deref() {
        Some(r) => t.get(EscalationReason::from_slug(r).map_or("", EscalationReason::key)).to_owned(),
        None => t.get("risk.state_high").to_owned(),
    };
    let row = |(listed, (c, merchant, holder)): (Listed, supervision::QueueRow)| {
        let progress = state.progress_at(&c, now);
        let high = listed == Listed::HighRisk || (listed == Listed::Found && c.risk_state == Some(RiskState::High));
        QueueRow {
            status: match listed {
                Listed::Found if progress.state != State::Escalated => {
                    Some((progress.state.slug(), t.get(progress.state.key()).to_owned()))
                }
                Listed::HighRisk if c.escalated_at.is_none() => None,
                _ => Some((State::Escalated.slug(), reason_words(&c))),
            },
            escalated: c.escalated_at.map(|at| view::time(&t, tz, from_db(at))),
            facts: list_row::facts(&state, &t, now, &c, &progress),
            waited: match (listed, c.escalated_at) {
                (Listed::HighRisk, _) => {
                    t.fmt("risk.filed_ago", &[("d", &view::duration(&t, now - from_db(c.submitted_at)))])
                }
                (_, Some(at)) => t.fmt("queue.waited", &[("d", &view::duration(&t, now - from_db(at)))]),
                (_, None) => String::new(),
            },
            risk: high.then(|| matched(&c)),
            category: t.get(c.category.key()).to_owned(),
            reference: c.reference,
            merchant,
            holder_label: match &holder {
                Some(who) => t.fmt("queue.held_by", &[("who", who)]),
                None => t.get("queue.unclaimed").to_owned(),
            },
            holder,
        }
    };
    let next_page = next.map(|id| {
        let mut params = query.kept();
        params.push(("q", query.q.trim().to_owned()));
        params.push(("after", id.to_string()));
        list_row::href("/supervisor", &params)
    });
    let page = QueuePage {
        rows: listed.into_iter().map(row).collect(),
        reasons: EscalationReason::ALL
            .iter()
            .map(|r| choice(r.slug().into(), t.get(r.key()).into(), &query.reason))
            .collect(),
        merchant: named.map_or_else(|| query.merchant.trim().to_owned(), |(_, name)| name),
        categories: Category::ALL
            .iter()
            .map(|c| choice(c.slug().into(), t.get(c.key()).into(), &query.category))
            .collect(),
        export_href: format!("/supervisor/export.csv?{}", export.join("&")),
        reports: (reports > 0).then(|| t.fmt("report.waiting", &[("n", &reports), ("high", &high_reports)])),
        search: search_box,
        next_page,
        ctx,
    };
    render(if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

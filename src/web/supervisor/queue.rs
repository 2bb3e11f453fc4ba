//! `/supervisor`: complaints flagged high-risk at intake first (machine
//! discovery: at once, not after a breach), each with the rules and words
//! that matched; then escalated complaints, oldest escalation first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::category::Category;
use crate::domain::state::EscalationReason;
use crate::error::AppError;
use crate::store::from_db;
use crate::store::supervision::{self, QueueFilter};
use crate::web::AppState;
use crate::web::consumer::Choice;
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::supervisor::complaint::risk::{MatchedView, matched};
use crate::web::view::{self, TimeView};

const QUEUE_SIZE: i64 = 100;

pub struct QueueRow {
    pub reference: String,
    pub merchant: String,
    pub category: String,
    pub reason: String,
    pub escalated: Option<TimeView>,
    /// "已等待 3 天 2 小时".
    pub waited: String,
    pub holder: Option<String>,
    /// "由 … 处理中" or "无人认领".
    pub holder_label: String,
    /// The consumer's phone number was proved by a code.
    pub phone_verified: bool,
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
}

/// The filters asked for (`merchant`, `reason`, `category`); what is not
/// one of a filter's values is no filter.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    merchant: String,
    reason: String,
    category: String,
}

#[get("/supervisor")]
pub async fn queue(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    // The merchant is typed (its id or part of its name): a list of every
    // merchant made the page hundreds of kilobytes once there were
    // thousands of them.
    let merchant = query.merchant.trim().to_owned();
    let mut filter = QueueFilter {
        reason: EscalationReason::from_slug(&query.reason),
        category: Category::from_slug(&query.category),
        ..Default::default()
    };
    let (high, escalated, named, (reports, high_reports)) = state
        .db(move |conn| {
            let named = if merchant.is_empty() { None } else { supervision::merchant_named(conn, &merchant)? };
            match (&named, merchant.parse::<i64>()) {
                (Some((id, _)), _) => filter.merchant_id = Some(*id),
                (None, Ok(id)) => filter.merchant_id = Some(id),
                (None, Err(_)) if !merchant.is_empty() => filter.merchant_name = Some(merchant),
                (None, Err(_)) => {}
            }
            let high = supervision::high_risk(conn, filter.clone(), QUEUE_SIZE)?;
            let reports = crate::store::reports::waiting(conn)?;
            Ok((high, supervision::queue(conn, filter, QUEUE_SIZE)?, named, reports))
        })
        .await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let tz = state.config.tz;
    let now = state.clock.now();
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
    let row = |(high, (c, merchant, holder)): (bool, supervision::QueueRow)| QueueRow {
        reason: match c.escalation_reason.as_deref() {
            Some(r) => t.get(EscalationReason::from_slug(r).map_or("", EscalationReason::key)).to_owned(),
            None => t.get("risk.state_high").to_owned(),
        },
        escalated: c.escalated_at.map(|at| view::time(&t, tz, from_db(at))),
        phone_verified: c.phone_verified_at.is_some(),
        waited: match (high, c.escalated_at) {
            (false, Some(at)) => t.fmt("queue.waited", &[("d", &view::duration(&t, now - from_db(at)))]),
            (true, _) => t.fmt("risk.filed_ago", &[("d", &view::duration(&t, now - from_db(c.submitted_at)))]),
            (false, None) => String::new(),
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
    };
    let page = QueuePage {
        rows: {
            // A flagged complaint that is also escalated is listed once, on top.
            let flagged: Vec<i64> = high.iter().map(|(c, _, _)| c.id).collect();
            let rest = escalated.into_iter().filter(|(c, _, _)| !flagged.contains(&c.id));
            high.into_iter().map(|r| (true, r)).chain(rest.map(|r| (false, r))).map(row).collect()
        },
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
        ctx,
    };
    render(StatusCode::OK, &page)
}

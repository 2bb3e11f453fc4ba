//! `GET /api/v1/complaints`: complaints in order of their last update
//! (then id), a page at a time. A merchant key lists its own merchant's,
//! a platform key everyone's. Filters: `state`, `updated_since`,
//! `overdue`; `limit` (1 to 100, 50 unless said); `cursor`, the
//! `next_cursor` of the page before (signed: a cursor this server did
//! not give out is 400).

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCaller;
use super::complaints::ApiResult;
use super::problem::{Problem, ProblemKind, lang_of};
use super::views::{Deadline, Deadlines, Money, Named1, rfc3339, state_schema};
use crate::domain::cursor::{self, Position};
use crate::domain::state::State;
use crate::store::api_list::{self, ListFilter};
use crate::store::complaints::Complaint;
use crate::store::{from_db, to_db};
use crate::web::AppState;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;

/// The list's query, as sent (each read and checked by the handler).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only complaints in this state (as last recorded).
    #[param(schema_with = state_schema)]
    state: Option<String>,
    /// Only complaints updated at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    updated_since: Option<String>,
    /// `true`: only complaints with a deadline passed unmet; `false`: only
    /// those without.
    #[param(value_type = Option<bool>)]
    overdue: Option<String>,
    /// Complaints a page: 1 to 100 (50 unless said).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// One complaint of the list (`GET /api/v1/complaints/{reference}` has
/// the rest).
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintSummary {
    pub reference: String,
    #[schema(schema_with = state_schema)]
    pub state: &'static str,
    pub merchant: Named1,
    pub order_ref: String,
    pub category: String,
    pub desired_resolution: String,
    pub amount: Option<Money>,
    pub consumer_name: String,
    #[schema(format = DateTime)]
    pub submitted_at: String,
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    pub deadlines: Deadlines,
}

/// A page of the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintPage {
    pub items: Vec<ComplaintSummary>,
    /// Where the next page starts; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn invalid(req: &HttpRequest, parameter: &str) -> Problem {
    let t = lang_of(req).tr();
    Problem::new(&t, ProblemKind::InvalidQuery).detail(t.fmt("api.detail_invalid_parameter", &[("name", &parameter)]))
}

/// The query read into a filter and a limit, or the parameter at fault.
fn read(req: &HttpRequest, q: &ListQuery, secret: &[u8], now: DateTime<Utc>) -> Result<(ListFilter, i64), Problem> {
    let some = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let state = some(&q.state).map(|s| State::from_slug(&s).ok_or_else(|| invalid(req, "state"))).transpose()?;
    let updated_since = some(&q.updated_since)
        .map(|s| DateTime::parse_from_rfc3339(&s).map(|t| to_db(t.with_timezone(&Utc))))
        .transpose()
        .map_err(|_| invalid(req, "updated_since"))?;
    let overdue = match some(&q.overdue).as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(invalid(req, "overdue")),
    };
    let limit = match some(&q.limit) {
        None => DEFAULT_LIMIT,
        Some(l) => {
            l.parse::<i64>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| invalid(req, "limit"))?
        }
    };
    let after = match some(&q.cursor) {
        None => None,
        Some(c) => {
            let p = cursor::decode(secret, &c).ok_or_else(|| Problem::of(req, ProblemKind::InvalidCursor))?;
            Some((to_db(p.at), p.id))
        }
    };
    Ok((ListFilter { merchant: None, state, updated_since, overdue, now: to_db(now), after }, limit))
}

fn summary(state: &AppState, c: &Complaint, merchant: String, now: DateTime<Utc>) -> ComplaintSummary {
    let progress = state.progress_at(c, now);
    ComplaintSummary {
        reference: c.reference.clone(),
        state: progress.state.slug(),
        merchant: Named1 { id: c.merchant_id, name: merchant },
        order_ref: c.order_ref.clone(),
        category: c.category.slug().to_owned(),
        desired_resolution: c.desired_resolution.slug().to_owned(),
        amount: c.amount_fen.map(Money::of),
        consumer_name: c.consumer_name.clone(),
        submitted_at: rfc3339(c.submitted_at),
        updated_at: c.updated_at.map(rfc3339),
        deadlines: Deadlines {
            response: Deadline::new(&progress.response(), progress.response_breached_at, now),
            resolution: Deadline::new(&progress.resolution(), progress.resolution_breached_at, now),
        },
    }
}

/// Complaints, oldest update first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/complaints",
    tag = "complaints",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of complaints.", body = ComplaintPage),
        (status = 400, description = "A parameter or the cursor could not be read.", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/complaints")]
pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> ApiResult {
    let now = state.clock.now();
    let secret = state.session_key.signing().to_vec();
    let (mut filter, limit) = read(&req, &query, &secret, now)?;
    filter.merchant = caller.scope.merchant_id();
    let mut rows = state.db(move |conn| Ok(api_list::page(conn, &filter, limit + 1)?)).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last())
        .flatten()
        .and_then(|(c, _)| c.updated_at.map(|at| cursor::encode(&secret, Position { at: from_db(at), id: c.id })));
    let items = rows.into_iter().map(|(c, name)| summary(&state, &c, name, now)).collect();
    Ok(HttpResponse::Ok().json(ComplaintPage { items, next_cursor }))
}

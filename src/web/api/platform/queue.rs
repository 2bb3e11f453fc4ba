//! `GET /api/v1/queue` (platform keys): the supervisors' queue, as
//! `/supervisor` lists it, one page at a time: the escalated complaints,
//! oldest escalation first (`part=escalated`, the default), or those
//! flagged high-risk at intake, oldest first (`part=high_risk`), with the
//! queue's filters and an opaque cursor.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{one_of, one_of_or_null};
use crate::domain::category::Category;
use crate::domain::cursor::{self, Position};
use crate::domain::risk::{self, RiskState};
use crate::domain::state::EscalationReason;
use crate::store::complaints::Complaint;
use crate::store::supervision::{self, After, QueueFilter};
use crate::web::AppState;
use crate::web::api::auth::ApiCaller;
use crate::web::api::complaints::ApiResult;
use crate::web::api::problem::{Problem, ProblemKind, lang_of};
use crate::web::api::views::{Deadline, Deadlines, Money, Named1, rfc3339};

/// Items on a page unless `limit` says otherwise, and at most.
const PAGE: i64 = 50;
const PAGE_MAX: i64 = 100;

fn part_schema() -> utoipa::openapi::ObjectBuilder {
    one_of(&["escalated", "high_risk"], "Which part of the queue.")
}

fn reason_schema() -> utoipa::openapi::ObjectBuilder {
    let slugs: Vec<&'static str> = EscalationReason::ALL.iter().map(|r| r.slug()).collect();
    one_of(&slugs, "Why the complaint was escalated.")
}

fn reason_or_null_schema() -> utoipa::openapi::ObjectBuilder {
    let slugs: Vec<&'static str> = EscalationReason::ALL.iter().map(|r| r.slug()).collect();
    one_of_or_null(&slugs, "Why the complaint was escalated (`null`: it was not).")
}

fn category_schema() -> utoipa::openapi::ObjectBuilder {
    let slugs: Vec<&'static str> = Category::ALL.iter().map(|c| c.slug()).collect();
    one_of(&slugs, "The complaint's category.")
}

/// The queue's filters and the page asked for.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `escalated` (default) or `high_risk`.
    #[param(schema_with = part_schema)]
    part: Option<String>,
    /// Only complaints escalated for this reason.
    #[param(schema_with = reason_schema)]
    reason: Option<String>,
    /// Only complaints of this category.
    #[param(schema_with = category_schema)]
    category: Option<String>,
    /// Only this merchant's complaints (its id).
    #[param(minimum = 1)]
    merchant: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// One complaint in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    #[schema(example = "TS20261120000001")]
    pub reference: String,
    /// The complaint's state slug.
    pub state: &'static str,
    pub merchant: Named1,
    pub order_ref: String,
    #[schema(schema_with = category_schema)]
    pub category: &'static str,
    /// A resolution slug: what the consumer asks for.
    pub desired_resolution: &'static str,
    pub amount: Option<Money>,
    #[schema(format = DateTime)]
    pub submitted_at: String,
    #[schema(format = DateTime)]
    pub escalated_at: Option<String>,
    #[schema(schema_with = reason_or_null_schema)]
    pub escalation_reason: Option<String>,
    /// The supervisor holding it (their e-mail), if one has claimed it.
    pub held_by: Option<String>,
    pub deadlines: Deadlines,
    /// What machine discovery found, when it matched a rule.
    pub risk: Option<Risk>,
}

/// The risk rules a complaint matched at intake.
#[derive(Debug, Serialize, ToSchema)]
pub struct Risk {
    pub score: i32,
    /// Over the threshold (shown to supervisors at once).
    pub high: bool,
    pub matched: Vec<RiskMatch>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RiskMatch {
    pub label: String,
    pub words: Vec<String>,
}

/// One page of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// Give it as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// The page's position: the part's letter, then the last item's time
/// and id as the list's cursor is made (signed with the server's key, so
/// a cursor it did not give out is refused). Opaque to callers.
fn cursor(secret: &[u8], high_risk: bool, (at, id): After) -> String {
    let part = if high_risk { 'h' } else { 'e' };
    format!("{part}{}", cursor::encode(secret, Position { at: at.and_utc(), id }))
}

fn read_cursor(secret: &[u8], high_risk: bool, raw: &str) -> Option<After> {
    let rest = raw.strip_prefix(if high_risk { 'h' } else { 'e' })?;
    let p = cursor::decode(secret, rest).filter(|p| p.id > 0)?;
    Some((p.at.naive_utc(), p.id))
}

/// The query checked: part, filter, position and page size.
fn checked(
    req: &HttpRequest,
    q: &QueueQuery,
    secret: &[u8],
) -> Result<(bool, QueueFilter, Option<After>, i64), Problem> {
    let t = lang_of(req).tr();
    let bad = |name: &str| {
        Problem::new(&t, ProblemKind::InvalidQuery).detail(t.fmt("api_platform.bad_parameter", &[("name", &name)]))
    };
    let high_risk = match given(&q.part) {
        None | Some("escalated") => false,
        Some("high_risk") => true,
        Some(_) => return Err(bad("part")),
    };
    let mut filter = QueueFilter::default();
    if let Some(reason) = given(&q.reason) {
        filter.reason = Some(EscalationReason::from_slug(reason).ok_or_else(|| bad("reason"))?);
    }
    if let Some(category) = given(&q.category) {
        filter.category = Some(Category::from_slug(category).ok_or_else(|| bad("category"))?);
    }
    if let Some(merchant) = given(&q.merchant) {
        filter.merchant_id = Some(positive(merchant).ok_or_else(|| bad("merchant"))?);
    }
    let limit = match given(&q.limit) {
        None => PAGE,
        Some(n) => positive(n).filter(|n| *n <= PAGE_MAX).ok_or_else(|| bad("limit"))?,
    };
    let after = match given(&q.cursor) {
        None => None,
        Some(raw) => {
            Some(read_cursor(secret, high_risk, raw).ok_or_else(|| Problem::new(&t, ProblemKind::InvalidCursor))?)
        }
    };
    Ok((high_risk, filter, after, limit))
}

/// A parameter given, and not empty.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|v| !v.is_empty())
}

fn positive(raw: &str) -> Option<i64> {
    (raw.len() <= 18 && raw.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.parse::<i64>().ok())
        .flatten()
        .filter(|n| *n > 0)
}

/// The supervisors' queue, one page.
#[utoipa::path(
    get,
    path = "/api/v1/queue",
    tag = "platform",
    operation_id = "queue",
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of the queue, in its order.", body = QueuePage),
        (status = 400, description = "A parameter or the cursor is not valid.", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a platform key.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/queue")]
pub async fn queue(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> ApiResult {
    caller.platform(&req)?;
    let secret = state.session_key.signing().to_vec();
    let (high_risk, filter, after, limit) = checked(&req, &query, &secret)?;
    let rows = state.db(move |conn| Ok(supervision::queue_page(conn, high_risk, filter, after, limit + 1)?)).await?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let next_cursor = more.then(|| rows.last()).flatten().map(|(c, _, _)| {
        let at = if high_risk { c.submitted_at } else { c.escalated_at.unwrap_or(c.submitted_at) };
        cursor(&secret, high_risk, (at, c.id))
    });
    let items = rows.iter().map(|(c, merchant, holder)| item(&state, c, merchant, holder.clone())).collect();
    Ok(HttpResponse::Ok().json(QueuePage { items, next_cursor }))
}

fn item(state: &AppState, c: &Complaint, merchant: &str, held_by: Option<String>) -> QueueItem {
    let now = state.clock.now();
    let progress = state.progress_at(c, now);
    let assessed = risk::decode(c.risk_matches.as_deref());
    QueueItem {
        reference: c.reference.clone(),
        state: progress.state.slug(),
        merchant: Named1 { id: c.merchant_id, name: merchant.to_owned() },
        order_ref: c.order_ref.clone(),
        category: c.category.slug(),
        desired_resolution: c.desired_resolution.slug(),
        amount: c.amount_fen.map(Money::of),
        submitted_at: rfc3339(c.submitted_at),
        escalated_at: c.escalated_at.map(rfc3339),
        escalation_reason: c.escalation_reason.clone(),
        held_by,
        deadlines: Deadlines {
            response: Deadline::new(&progress.response(), progress.response_breached_at, now),
            resolution: Deadline::new(&progress.resolution(), progress.resolution_breached_at, now),
        },
        risk: (!assessed.matched.is_empty()).then(|| Risk {
            score: c.risk_score,
            high: c.risk_state == Some(RiskState::High),
            matched: assessed.matched.into_iter().map(|m| RiskMatch { label: m.label, words: m.words }).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_in_its_own_part_only_and_signed_by_this_server() {
        let at = chrono::DateTime::from_timestamp_micros(1_795_000_000_123_456).unwrap().naive_utc();
        let c = cursor(b"key", false, (at, 42));
        assert_eq!(read_cursor(b"key", false, &c), Some((at, 42)));
        assert_eq!(read_cursor(b"key", true, &c), None, "another part's cursor");
        assert_eq!(read_cursor(b"other key", false, &c), None, "another server's");
        for bad in ["", "e", "e.1", "e1.", "ezz", &c[1..], &format!("{c}0")] {
            assert_eq!(read_cursor(b"key", false, bad), None, "{bad}");
        }
    }
}

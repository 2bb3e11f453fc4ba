//! The public scorecards: no account, no consumer data.

pub mod live;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::error::AppError;
use crate::service::scorecard::scorecard;
use crate::store::actions::ActionRow;
use crate::store::from_db;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::path::MerchantId;
use crate::web::view::{self, TimeView};

pub struct ActionView {
    /// What it was on, when not the merchant itself ("Live room: …").
    pub on: Option<String>,
    pub kind: String,
    pub detail: Option<String>,
    pub reason: String,
    pub taken: TimeView,
    pub ended: Option<TimeView>,
    /// Under the violation schedule: the type's slug, and type and level
    /// in words ("虚假宣传 · 严重").
    pub violation: Option<(&'static str, String)>,
    /// A restriction of N days: "7 天", and when it ends (or ended) by itself.
    pub days: Option<(String, TimeView)>,
    /// Ended by itself when its days were over.
    pub expired: bool,
    /// Why lighter than the schedule.
    pub mitigation: Option<String>,
}

#[derive(Template)]
#[template(path = "consumer/scorecard.html")]
struct ScorecardPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    credit_code: String,
    supervision: String,
    supervision_label: String,
    credit_points: i32,
    /// Points of the last 12 months that count.
    window_points: i64,
    received: [usize; 3],
    response_rate: String,
    on_time_response: String,
    on_time_resolution: String,
    median_first_response: String,
    satisfaction: String,
    current: Vec<ActionView>,
    record: Vec<ActionView>,
    live: live::LiveView,
    relief: crate::web::relief_view::ReliefFigures,
    deposit_sufficient: bool,
    /// The link to its published cases (`/cases?merchant={id}`), with how
    /// many (counted up to [`CASES_COUNTED`]: "1000+" past it).
    published: String,
}

/// Published cases counted for the scorecard's link at most.
const CASES_COUNTED: i64 = 1_000;

/// A rate as the scorecard and the merchant list show it: "87.5%", or "—".
pub(super) fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

/// The average rating and how many: "4.2 / 5 (12 ratings)", or "—".
pub(super) fn satisfaction(t: &crate::i18n::Tr, rated: Option<(f64, i64)>) -> String {
    rated.map_or("—".into(), |(avg, n)| {
        t.fmt("scorecard.satisfaction_value", &[("avg", &format!("{avg:.1}")), ("n", &n)])
    })
}

pub fn action_view(t: &crate::i18n::Tr, tz: chrono_tz::Tz, a: &ActionRow) -> ActionView {
    // A threshold's measure says why in the reader's language.
    let reason = match (a.accrued_points, a.threshold_points) {
        (Some(total), Some(threshold)) => {
            t.fmt("violation.auto_reason", &[("total", &total), ("threshold", &threshold)])
        }
        _ => a.reason.clone(),
    };
    let level = a.level.map_or("", |l| t.get(l.key()));
    ActionView {
        on: None,
        kind: t.get(a.kind.key()).to_owned(),
        detail: a.points.map(|p| t.fmt("action.points", &[("n", &p)])),
        reason,
        taken: view::time(t, tz, from_db(a.taken_at)),
        ended: a.ended_at.map(|at| view::time(t, tz, from_db(at))),
        violation: a.violation.map(|v| (v.slug(), format!("{} · {level}", t.get(v.key())))),
        days: a.ends_at.map(|end| {
            let n = (end - a.taken_at).num_days();
            (t.fmt("violation.days", &[("n", &n)]), view::time(t, tz, from_db(end)))
        }),
        expired: a.expired(),
        mitigation: a.mitigation.clone(),
    }
}

#[get("/merchants/{id}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<MerchantId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner().0;
    let now = state.clock.now();
    let found = state
        .db(move |conn| {
            let Some(card) = scorecard(conn, id, now)? else { return Ok(None) };
            let published = crate::service::published::count_for_merchant(conn, id, now, CASES_COUNTED + 1)?;
            Ok(Some((card, published)))
        })
        .await?;
    let (card, published) = found.ok_or(AppError::NotFound)?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let tz = state.config.tz;
    let live = live::LiveView::of(&t, tz, &card.live);
    let record = card.record.iter().map(|a| ActionView { on: live.subject(&t, a), ..action_view(&t, tz, a) }).collect();
    let page = ScorecardPage {
        id,
        name: card.merchant.name.clone(),
        credit_code: card.merchant.credit_code.clone(),
        supervision_label: t.get(card.merchant.supervision.key()).to_owned(),
        supervision: card.merchant.supervision.slug().into(),
        credit_points: card.points.1,
        window_points: card.points.0,
        received: card.received,
        response_rate: percent(card.rates.response),
        on_time_response: percent(card.rates.on_time_response),
        on_time_resolution: percent(card.rates.on_time_resolution),
        median_first_response: view::median_wait(&t, card.rates.median_first_response),
        satisfaction: satisfaction(&t, card.satisfaction),
        current: card.current.iter().map(|a| action_view(&t, tz, a)).collect(),
        record,
        live,
        relief: crate::web::relief_view::ReliefFigures::new(&t, &card.relief),
        deposit_sufficient: card.deposit_sufficient,
        published: {
            let n = if published > CASES_COUNTED { format!("{CASES_COUNTED}+") } else { published.to_string() };
            t.fmt("published.scorecard_link", &[("n", &n)])
        },
        ctx,
    };
    render(StatusCode::OK, &page)
}

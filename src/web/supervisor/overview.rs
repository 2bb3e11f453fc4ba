//! `/supervisor/overview`: the last 30 days in figures and two charts,
//! drawn as SVG on the server (no script needed to see them; the columns
//! by `web::chart`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::error::AppError;
use crate::service::overview::{Overview, overview};
use crate::web::AppState;
use crate::web::chart::{self, Columns};
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view;

pub struct MerchantBar {
    pub name: String,
    pub breaches: usize,
    pub y: f64,
    pub text_y: f64,
    pub w: f64,
}

#[derive(Template)]
#[template(path = "supervisor/overview.html")]
struct OverviewPage {
    ctx: PageCtx,
    received: usize,
    on_time_response: String,
    on_time_resolution: String,
    median_first_response: String,
    open_escalations: i64,
    /// Complaints received and deadlines breached, a day each.
    per_day: Columns,
    merchants: Vec<MerchantBar>,
    merchants_h: f64,
    relief: crate::web::relief_view::ReliefFigures,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn per_day(o: &Overview) -> Columns {
    let days =
        o.per_day.iter().map(|(day, received, breaches)| (day.format("%m-%d").to_string(), vec![*received, *breaches]));
    chart::columns(days.collect(), &["bar--received", "bar--breach"], 5)
}

fn merchant_bars(o: &Overview) -> Vec<MerchantBar> {
    let max = o.breaches_by_merchant.first().map_or(1, |(_, n)| (*n).max(1));
    o.breaches_by_merchant
        .iter()
        .enumerate()
        .map(|(i, (name, n))| MerchantBar {
            name: name.clone(),
            breaches: *n,
            y: i as f64 * 28.0,
            text_y: i as f64 * 28.0 + 15.0,
            w: (*n as f64 / max as f64 * 300.0).round().max(2.0),
        })
        .collect()
}

#[get("/supervisor/overview")]
pub async fn show(req: HttpRequest, _who: Supervisor, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (tz, now) = (state.config.tz, state.clock.now());
    let o = state.db(move |conn| Ok(overview(conn, tz, now)?)).await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let merchants = merchant_bars(&o);
    let page = OverviewPage {
        received: o.received,
        on_time_response: percent(o.on_time_response),
        on_time_resolution: percent(o.on_time_resolution),
        median_first_response: o.median_first_response.map_or("—".into(), |d| view::duration(&t, d)),
        open_escalations: o.open_escalations,
        merchants_h: (merchants.len().max(1) * 28) as f64,
        per_day: per_day(&o),
        merchants,
        relief: crate::web::relief_view::ReliefFigures::new(&t, &o.relief),
        ctx,
    };
    render(StatusCode::OK, &page)
}

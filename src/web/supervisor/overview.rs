//! `/supervisor/overview`: the last 30 days in figures and two charts,
//! drawn as SVG on the server (no script needed to see them).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::error::AppError;
use crate::service::overview::{Overview, overview};
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view;

/// Chart geometry, in SVG user units.
const CHART_W: f64 = 640.0;
const PLOT_H: f64 = 180.0;
const LEFT: f64 = 36.0;

pub struct DayBar {
    pub x: f64,
    pub breach_x: f64,
    pub received_y: f64,
    pub received_h: f64,
    pub breach_y: f64,
    pub breach_h: f64,
    pub received: usize,
    pub breaches: usize,
    pub label: String,
    /// Every fifth day gets its date under the axis.
    pub tick: bool,
    pub tick_x: f64,
}

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
    days: Vec<DayBar>,
    day_max: usize,
    merchants: Vec<MerchantBar>,
    merchants_h: f64,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn day_bars(o: &Overview) -> (Vec<DayBar>, usize) {
    let max = o.per_day.iter().map(|(_, r, b)| (*r).max(*b)).max().unwrap_or(0).max(1);
    let slot = (CHART_W - LEFT) / o.per_day.len().max(1) as f64;
    let height = |n: usize| (n as f64 / max as f64 * PLOT_H).round();
    let bars = o
        .per_day
        .iter()
        .enumerate()
        .map(|(i, (day, received, breaches))| {
            let x = LEFT + i as f64 * slot + 2.0;
            DayBar {
                x,
                breach_x: x + slot / 2.0 - 1.0,
                received_h: height(*received),
                received_y: PLOT_H - height(*received),
                breach_h: height(*breaches),
                breach_y: PLOT_H - height(*breaches),
                received: *received,
                breaches: *breaches,
                label: day.format("%m-%d").to_string(),
                tick: i % 5 == 4,
                tick_x: x + slot / 2.0 - 2.0,
            }
        })
        .collect();
    (bars, max)
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
    let (days, day_max) = day_bars(&o);
    let merchants = merchant_bars(&o);
    let page = OverviewPage {
        received: o.received,
        on_time_response: percent(o.on_time_response),
        on_time_resolution: percent(o.on_time_resolution),
        median_first_response: o.median_first_response.map_or("—".into(), |d| view::duration(&t, d)),
        open_escalations: o.open_escalations,
        merchants_h: (merchants.len().max(1) * 28) as f64,
        days,
        day_max,
        merchants,
        ctx,
    };
    render(StatusCode::OK, &page)
}

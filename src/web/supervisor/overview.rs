//! `/supervisor/overview`: the last 30 days in figures and two charts,
//! drawn as SVG on the server (no script needed to see them; the geometry
//! by `web::chart`). Each bar links to the export of what it counts.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::NaiveDate;

use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::overview::{Overview, overview};
use crate::web::AppState;
use crate::web::chart::{self, Columns, Count, Rows, Series};
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view;

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
    /// Breaches by merchant, most first.
    merchants: Rows,
    relief: crate::web::relief_view::ReliefFigures,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn per_day(t: &Tr, o: &Overview) -> Columns {
    let days = o.per_day.iter().map(|(d, received, breaches)| {
        let on = day(*d);
        let counts = vec![
            Count::new(*received, format!("/supervisor/export.csv?from={on}&to={on}")),
            Count::new(*breaches, format!("/supervisor/export.csv?breached_from={on}&breached_to={on}")),
        ];
        (d.format("%m-%d").to_string(), counts)
    });
    let series = vec![
        Series { class: "bar--received", name: t.get("overview.legend_received").to_owned() },
        Series { class: "bar--breach", name: t.get("overview.legend_breaches").to_owned() },
    ];
    chart::columns(t, days.collect(), series, t.get("chart.day"))
}

fn merchants(t: &Tr, o: &Overview) -> Rows {
    let (first, last) = match (o.per_day.first(), o.per_day.last()) {
        (Some(first), Some(last)) => (day(first.0), day(last.0)),
        _ => Default::default(),
    };
    let items = o.breaches_by_merchant.iter().map(|(id, name, n)| {
        let href = format!("/supervisor/export.csv?merchant={id}&breached_from={first}&breached_to={last}");
        (name.clone(), Count::new(*n, href))
    });
    chart::rows(t, items.collect(), t.get("chart.merchant"), t.get("overview.legend_breaches"))
}

#[get("/supervisor/overview")]
pub async fn show(req: HttpRequest, _who: Supervisor, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (tz, now) = (state.config.tz, state.clock.now());
    let o = state.db(move |conn| Ok(overview(conn, tz, now)?)).await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let page = OverviewPage {
        received: o.received,
        on_time_response: percent(o.on_time_response),
        on_time_resolution: percent(o.on_time_resolution),
        median_first_response: view::median_wait(&t, o.median_first_response),
        open_escalations: o.open_escalations,
        per_day: per_day(&t, &o),
        merchants: merchants(&t, &o),
        relief: crate::web::relief_view::ReliefFigures::new(&t, &o.relief),
        ctx,
    };
    render(StatusCode::OK, &page)
}

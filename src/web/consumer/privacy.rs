//! `GET /privacy`: what Redress collects from consumers, why, who sees it,
//! how long it is kept and how to get help, what the public register
//! publishes (and when, and how to withdraw), with the deployment's own
//! figures (deadlines, retention) and its own words added
//! (`REDRESS_HELP`, `REDRESS_PRIVACY_FILE`). Public, linked from every
//! footer and from the complaint form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::retention::KEEP_MONTHS;
use crate::web::AppState;
use crate::web::page::{PageCtx, render, span};

#[derive(Template)]
#[template(path = "consumer/privacy.html")]
struct PrivacyPage {
    ctx: PageCtx,
    why: String,
    keep: String,
    /// The deployment's own paragraphs (`REDRESS_PRIVACY_FILE`).
    more: Vec<String>,
    /// When a consented complaint is published, with the days.
    register_when: String,
}

#[get("/privacy")]
pub async fn show(ctx: PageCtx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let policy = &state.config.policy;
    let t = &ctx.t;
    let why =
        t.fmt("privacy.why", &[("response", &span(t, policy.response)), ("resolution", &span(t, policy.resolution))]);
    let keep = t.fmt("privacy.keep", &[("period", &period(t, KEEP_MONTHS))]);
    let more = state.config.help.privacy(ctx.lang);
    let days = crate::domain::register::PUBLISH_AFTER.num_days();
    let register_when = t.fmt("published.privacy_when", &[("days", &days)]);
    render(StatusCode::OK, &PrivacyPage { ctx, why, keep, more, register_when })
}

/// "36 个月（3 年）".
fn period(t: &Tr, months: u32) -> String {
    if months.is_multiple_of(12) {
        t.fmt("privacy.period_years", &[("months", &months), ("years", &(months / 12))])
    } else {
        t.fmt("privacy.period_months", &[("months", &months)])
    }
}

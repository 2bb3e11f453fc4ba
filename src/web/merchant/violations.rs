//! `/merchant/violations`: the violation schedule and its thresholds, as
//! supervisors keep them, for the merchant to read (transparency).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::error::AppError;
use crate::store::violations as store;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::schedule::{self, ThresholdLine, TypeLine};
use crate::web::session::MerchantStaff;

#[derive(Template)]
#[template(path = "merchant/violations.html")]
struct SchedulePage {
    ctx: PageCtx,
    types: Vec<TypeLine>,
    thresholds: Vec<ThresholdLine>,
}

#[get("/merchant/violations")]
pub async fn show(req: HttpRequest, _who: MerchantStaff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (rows, limits) = state.db(move |conn| Ok((store::schedule(conn)?, store::thresholds(conn)?))).await?;
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let page = SchedulePage {
        types: schedule::types(&t, &rows, None),
        thresholds: schedule::thresholds(&t, &limits, None),
        ctx,
    };
    render(StatusCode::OK, &page)
}

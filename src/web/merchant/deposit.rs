//! `/merchant/deposit`: the merchant's own deposit: its balance, what its
//! categories require and whether it is below that, what it owes and by
//! when to top up, and every entry of its ledger. Only its own: the
//! merchant comes from the signed-in account, never from the address.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use crate::error::AppError;
use crate::service::deposits;
use crate::store::merchants;
use crate::web::AppState;
use crate::web::deposit_view::{DepositView, Reader};
use crate::web::page::{PageCtx, render};
use crate::web::session::MerchantStaff;

#[derive(Template)]
#[template(path = "merchant/deposit.html")]
struct DepositPage {
    ctx: PageCtx,
    deposit: DepositView,
}

#[get("/merchant/deposit")]
pub async fn show(req: HttpRequest, who: MerchantStaff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let merchant_id = who.merchant_id;
    let ledger = state
        .db(move |conn| {
            let merchant = merchants::find(conn, merchant_id)?.ok_or(AppError::NotFound)?;
            Ok(deposits::ledger(conn, &merchant)?)
        })
        .await?;
    let ctx = PageCtx::new(&req);
    let deposit = DepositView::of(&ctx.t, state.config.tz, &ledger, Reader::Merchant);
    render(StatusCode::OK, &DepositPage { ctx, deposit })
}

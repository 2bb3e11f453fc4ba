use actix_web::{HttpResponse, get, web};

use super::AppState;
use crate::error::AppError;

/// 200 when the database answers, 503 when it does not.
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state.db(|conn| conn.ping().map_err(AppError::from)).await?;
    Ok(HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ok\n"))
}

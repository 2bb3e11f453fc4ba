//! `GET /healthz`, for load balancers and monitoring: whether the database
//! answers, and the mail queue's backlog.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use super::AppState;
use crate::error::AppError;
use crate::store::gauges;

/// 200 with the backlog when the database answers; 503 (with
/// `Retry-After`) when it does not, so the balancer sends no traffic here.
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let now = state.clock.now();
    match state.db(|conn| gauges::backlog(conn).map_err(AppError::from)).await {
        Ok(backlog) => HttpResponse::Ok().json(json!({
            "status": "ok",
            "database": "ok",
            "outbox": {
                "queued": backlog.queued,
                "sending": backlog.sending,
                "dead": backlog.dead,
                "oldest_queued_seconds": backlog.oldest_waiting(now),
            },
        })),
        Err(error) => {
            tracing::warn!(%error, "health check: the database does not answer");
            HttpResponse::ServiceUnavailable()
                .insert_header(("Retry-After", "5"))
                .json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}

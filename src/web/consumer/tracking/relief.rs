//! `POST /t/{token}/relief`: the consumer says whether the money of the
//! relief arrived (`received` = `yes` or `no`); "no" brings the complaint
//! back to the platform.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{back, refused};
use crate::error::AppError;
use crate::service::conversation::At;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::path::Token;
use crate::web::refusal::{Refusal, Refuse};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReliefFields {
    received: String,
}

#[post("/t/{token}/relief")]
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
    form: CsrfForm<ReliefFields>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let received = match form.checked() {
        Ok(posted) => posted.fields.received,
        Err(Forged(_)) => return refused(&state, &req, token, Refusal::FORGED, None).await,
    };
    let received = match received.trim() {
        "yes" => true,
        "no" => false,
        _ => return refused(&state, &req, token, Refusal::unprocessable("relief.choose"), None).await,
    };
    let (lookup, clock, config) = (token.clone(), state.clock.clone(), state.config.clone());
    let result = state
        .db(move |conn| {
            let at = At { config: &config, now: clock.now() };
            Ok(crate::service::relief::answer(conn, &lookup, received, at))
        })
        .await?;
    match result {
        Ok(()) => Ok(back(&token, if received { "relief_received" } else { "relief_not_received" })),
        Err(e) => refused(&state, &req, token, e.refusal()?, None).await,
    }
}

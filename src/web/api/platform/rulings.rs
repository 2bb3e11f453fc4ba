//! `POST /api/v1/complaints/{reference}/rulings` (platform keys): a ruling
//! on an escalated complaint, as the supervisor's ruling form makes it:
//! the same checks, the same service call (the complaint closed, the
//! relief recorded and its compensation paid first from the deposit, the
//! consumer and the merchant told) and the same audit entry, in one
//! transaction. The supervisor who made the key is the one who rules.

use actix_web::{FromRequest, HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{act_problem, fields_problem, one_of, one_of_or_null, supervisor_of};
use crate::domain::audit::AuditKind;
use crate::domain::complaint::Field;
use crate::domain::relief::ReliefKind;
use crate::domain::state::Outcome;
use crate::service::conversation::At;
use crate::service::supervision::{self as service, SuperviseError};
use crate::web::AppState;
use crate::web::api::auth::ApiCaller;
use crate::web::api::complaints::{ApiResult, detail, load};
use crate::web::api::json::ApiJson;
use crate::web::api::problem::{Problem, ProblemKind, lang_of};
use crate::web::api::views::ComplaintDetail;
use crate::web::path::Reference;
use crate::web::supervisor::relief_form::ReliefFields;
use crate::web::supervisor::ruling;

fn outcome_schema() -> utoipa::openapi::ObjectBuilder {
    let slugs: Vec<&'static str> = Outcome::ALL.iter().map(|o| o.slug()).collect();
    one_of(&slugs, "The ruling.")
}

fn relief_schema() -> utoipa::openapi::ObjectBuilder {
    let slugs: Vec<&'static str> = ReliefKind::ALL.iter().map(|k| k.slug()).collect();
    one_of_or_null(&slugs, "The relief given; absent or `null`: what the outcome gives by default.")
}

/// A ruling, as the supervisor's ruling form takes it.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RulingBody {
    #[schema(required = true, schema_with = outcome_schema)]
    pub outcome: Option<String>,
    /// The ruling's reasons, for the consumer and the merchant (at most
    /// 2,000 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000)]
    pub body: Option<String>,
    #[schema(schema_with = relief_schema)]
    pub relief: Option<String>,
    /// A monetary relief's amount, yuan (`"199.00"`).
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$", example = "199.00")]
    pub relief_amount: Option<String>,
    /// Paid to the consumer first from the merchant's deposit, yuan
    /// (upheld or partly upheld, monetary relief only).
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$", example = "50.00")]
    pub compensation: Option<String>,
}

/// Rules on an escalated complaint.
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{reference}/rulings",
    tag = "platform",
    operation_id = "rule_complaint",
    params(("reference" = String, Path, description = "The complaint's reference, `TS` and 14 digits.")),
    request_body(content = RulingBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Ruled: the complaint as it is now.", body = ComplaintDetail,
            headers(("Location" = String, description = "The complaint in the API."))),
        (status = 400, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a platform key, or its supervisor's account is gone.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such complaint.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The complaint is not escalated, is held by another supervisor, or changed \
            meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields refused (`errors`), or a body of the wrong shape.", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/complaints/{reference}/rulings")]
pub async fn rule(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    payload: web::Payload,
) -> ApiResult {
    caller.platform(&req)?;
    let reference = reference.into_inner().into_inner();
    let ApiJson(body) = ApiJson::<RulingBody>::from_request(&req, &mut payload.into_inner()).await?;
    let t = lang_of(&req).tr();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let relief = ReliefFields {
        relief: text(&body.relief),
        relief_amount: text(&body.relief_amount),
        compensation: text(&body.compensation),
    };
    let (outcome, relief, words) = ruling(&text(&body.outcome), &text(&body.body), &relief)
        .map_err(|errors| fields_problem(&t, &errors, &[(Field::Resolution, "outcome")]))?;
    let actor = supervisor_of(&state, &req, &caller).await?;
    let (config, clock, user_id, subject) =
        (state.config.clone(), state.clock.clone(), actor.user_id, format!("complaint {reference}"));
    let on = reference.clone();
    let ruled = state
        .db(move |conn| {
            let now = clock.now();
            let user_id = user_id.unwrap_or_default();
            let write = |conn: &mut _| {
                service::rule(conn, &on, user_id, (outcome, relief), &words, At { config: &config, now })
            };
            let done = crate::service::audit::audited(
                conn,
                &actor,
                (AuditKind::Ruling, outcome.slug()),
                now,
                write,
                move |()| subject,
            );
            match done {
                Ok(()) => Ok(Ok(())),
                Err(SuperviseError::Act(crate::service::conversation::ActError::Db(e))) => Err(e.into()),
                Err(refused) => Ok(Err(refused)),
            }
        })
        .await?;
    if let Err(refused) = ruled {
        return Err(act_problem(&t, refused)?.into());
    }
    let loaded =
        load(&state, caller.scope, reference).await?.ok_or_else(|| Problem::of(&req, ProblemKind::NotFound))?;
    let href = format!("{}/complaints/{}", crate::web::api::BASE, loaded.complaint.reference);
    Ok(HttpResponse::Created().insert_header(("Location", href)).json(detail(&state, &loaded, caller.scope)))
}

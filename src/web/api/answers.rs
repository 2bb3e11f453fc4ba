//! A merchant's answers through the API: a reply or internal note, a
//! proposal, evidence with a reply. Each is the same service call as the
//! form on the merchant's complaint page (`web::merchant::answer`), with
//! the same validation, notices and deadline effects; the staff member
//! who made the key is the one who answered. Fields refused are 422 with
//! `errors`; what the complaint's state refuses, or a complaint changed
//! meanwhile, is 409; a platform key is 403 (it cannot answer for a
//! merchant).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::ApiCaller;
use super::complaints::{ApiResult, detail, load};
use super::problem::{Problem, ProblemKind, lang_of};
use super::views::ComplaintDetail;
use crate::domain::conversation::{ProposalForm, ReplyForm};
use crate::error::AppError;
use crate::service::conversation::{self, ActError, At, MerchantActor};
use crate::web::AppState;
use crate::web::path::Reference;

/// A reply, or an internal note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplyRequest {
    /// The message, 1 to 2,000 characters.
    #[schema(example = "您好，已核实，马上为您处理。")]
    pub body: String,
    /// `public` (the default: the consumer is told, and the first public
    /// reply meets the response deadline) or `internal` (a note only the
    /// merchant's staff see).
    #[schema(schema_with = visibility)]
    pub visibility: Option<String>,
}

/// `public`, `internal` or null.
fn visibility() -> utoipa::openapi::OneOfBuilder {
    use utoipa::openapi::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["public", "internal"])))
        .item(ObjectBuilder::new().schema_type(Type::Null))
}

/// A proposal to the consumer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProposalRequest {
    /// A resolution slug: `refund`, `return_refund`, `exchange`, `repair`,
    /// `compensation`, `correction` or `other`.
    #[schema(example = "refund")]
    pub resolution: String,
    /// Yuan, as text (`"199.00"`); leave out for none.
    #[schema(example = "199.00")]
    pub amount: Option<String>,
    /// The message to the consumer, 1 to 2,000 characters.
    pub body: String,
}

/// Evidence files with a public reply (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // the OpenAPI document's description of the form
pub struct EvidenceUpload {
    /// The reply the files go with.
    body: String,
    /// JPEG, PNG or WebP images or PDFs, told by their content; at most
    /// 9 files of 10 MiB each.
    #[schema(value_type = Vec<String>, format = Binary)]
    evidence: Vec<Vec<u8>>,
}

/// Runs one step of the conversation as the key's merchant, then answers
/// 201 with the complaint as it now stands.
async fn act<F>(req: &HttpRequest, state: &AppState, caller: &ApiCaller, reference: Reference, step: F) -> ApiResult
where
    F: FnOnce(&mut crate::store::DbConnection, MerchantActor, &str, At<'_>) -> Result<(), ActError> + Send + 'static,
{
    let merchant_id = caller.merchant(req)?;
    let who = MerchantActor { merchant_id, user_id: caller.key.created_by };
    let (config, clock, r) = (state.config.clone(), state.clock.clone(), reference.as_str().to_owned());
    let done = state.db(move |conn| Ok(step(conn, who, &r, At { config: &config, now: clock.now() }))).await?;
    let t = lang_of(req).tr();
    match done {
        Ok(()) => {}
        Err(ActError::NotFound) => return Err(AppError::NotFound.into()),
        Err(ActError::Db(e)) => return Err(AppError::from(e).into()),
        Err(ActError::Illegal(_)) => {
            return Err(Problem::new(&t, ProblemKind::StateConflict).detail(t.get("error.illegal_action")).into());
        }
        Err(ActError::NotYet) => {
            return Err(Problem::new(&t, ProblemKind::StateConflict).detail(t.get("error.not_yet")).into());
        }
        Err(ActError::Changed) => return Err(Problem::new(&t, ProblemKind::Changed).into()),
    }
    let loaded = load(state, caller.scope, reference.into_inner()).await?.ok_or(AppError::NotFound)?;
    let location = format!("{}/complaints/{}", super::BASE, loaded.complaint.reference);
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location)).json(detail(state, &loaded, caller.scope)))
}

/// Replies to the consumer, or writes an internal note.
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{reference}/replies",
    tag = "complaints",
    params(("reference" = String, Path, description = "The complaint's reference.")),
    request_body = ReplyRequest,
    responses(
        (status = 201, description = "Replied: the complaint as it now stands.", body = ComplaintDetail),
        (status = 400, description = "Malformed JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A platform key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint for this key.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The complaint's state does not allow it, or it changed meanwhile.",
            body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields refused.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/complaints/{reference}/replies")]
pub async fn reply(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    body: super::json::ApiJson<ReplyRequest>,
) -> ApiResult {
    caller.merchant(&req)?;
    let ReplyRequest { body, visibility } = body.into_inner();
    let form = ReplyForm { body, visibility: visibility.unwrap_or_default() };
    let message = form.validate().map_err(|e| Problem::fields(&lang_of(&req).tr(), &e))?;
    act(&req, &state, &caller, reference.into_inner(), move |conn, who, r, at| {
        conversation::merchant_reply(conn, who, r, &message, &[], at)
    })
    .await
}

/// Proposes a resolution to the consumer.
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{reference}/proposals",
    tag = "complaints",
    params(("reference" = String, Path, description = "The complaint's reference.")),
    request_body = ProposalRequest,
    responses(
        (status = 201, description = "Proposed: the complaint as it now stands.", body = ComplaintDetail),
        (status = 400, description = "Malformed JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A platform key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint for this key.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The complaint's state does not allow it, or it changed meanwhile.",
            body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields refused.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/complaints/{reference}/proposals")]
pub async fn propose(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    body: super::json::ApiJson<ProposalRequest>,
) -> ApiResult {
    caller.merchant(&req)?;
    let ProposalRequest { resolution, amount, body } = body.into_inner();
    let form = ProposalForm { resolution, amount: amount.unwrap_or_default(), body };
    let proposal = form.validate().map_err(|e| Problem::fields(&lang_of(&req).tr(), &e))?;
    act(&req, &state, &caller, reference.into_inner(), move |conn, who, r, at| {
        conversation::propose(conn, who, r, &proposal, at)
    })
    .await
}

/// Sends evidence files with a public reply, checked as on the site.
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{reference}/evidence",
    tag = "complaints",
    params(("reference" = String, Path, description = "The complaint's reference.")),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Replied with the files: the complaint as it now stands.",
            body = ComplaintDetail),
        (status = 400, description = "A malformed multipart body.", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A platform key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint for this key.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The complaint's state does not allow it, or it changed meanwhile.",
            body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file too large, or too many.", body = Problem,
            content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or a file of a type not taken.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Fields or files refused.", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/complaints/{reference}/evidence")]
pub async fn evidence(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
    payload: web::Payload,
) -> ApiResult {
    caller.merchant(&req)?;
    let (message, stored) = super::upload::read(&req, &state, payload).await?;
    act(&req, &state, &caller, reference.into_inner(), move |conn, who, r, at| {
        conversation::merchant_reply(conn, who, r, &message, &stored, at)
    })
    .await
}

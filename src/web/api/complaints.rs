//! `GET /api/v1/complaints/{reference}`: one complaint as the caller may
//! see it. A merchant key sees its own merchant's complaints only (any
//! other reference is 404, as on the merchant's pages) with the timeline
//! its complaint page shows; a platform key sees any complaint, with the
//! public timeline.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::auth::ApiCaller;
use super::problem::Problem;
use super::views::{Audience, ComplaintDetail, Loaded};
use crate::domain::api_key::Scope;
use crate::domain::event::Viewer;
use crate::error::AppError;
use crate::store::{complaints as store, merchants, supervision};
use crate::web::AppState;
use crate::web::path::Reference;

pub type ApiResult = Result<HttpResponse, actix_web::Error>;

/// What the audience of `scope` is.
pub fn audience(scope: Scope) -> Audience {
    match scope {
        Scope::Merchant(_) => Audience::Merchant,
        Scope::Platform => Audience::Platform,
    }
}

/// The complaint `reference` as `scope` may see it, with all its detail
/// is made of; `None` when there is none (for that scope).
pub async fn load(state: &AppState, scope: Scope, reference: String) -> Result<Option<Loaded>, AppError> {
    state
        .db(move |conn| {
            let found = match scope {
                Scope::Merchant(m) => store::find_for_merchant(conn, m, &reference)?.map(|c| (c, None)),
                Scope::Platform => supervision::find(conn, &reference)?.map(|(c, name)| (c, Some(name))),
            };
            let Some((complaint, name)) = found else { return Ok(None) };
            let merchant = match name {
                Some(name) => name,
                None => merchants::find(conn, complaint.merchant_id)?.map(|m| m.name).unwrap_or_default(),
            };
            // The merchant's page's timeline: what a merchant may see
            // (`views::TimelineEntry::of` keeps to the caller's part).
            let timeline = store::timeline(conn, complaint.id, Viewer::Merchant)?;
            let files = crate::store::evidence::of(conn, complaint.id)?;
            let named = crate::store::live::named(conn, &complaint)?;
            Ok(Some(Loaded { complaint, merchant, timeline, files, named }))
        })
        .await
}

/// The complaint's detail as JSON, caught up to now as the pages show it.
pub fn detail(state: &AppState, loaded: &Loaded, scope: Scope) -> ComplaintDetail {
    let now = state.clock.now();
    let progress = state.progress_at(&loaded.complaint, now);
    ComplaintDetail::new(loaded, &progress, now, audience(scope))
}

/// One complaint, with its deadlines and timeline.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{reference}",
    tag = "complaints",
    params(("reference" = String, Path, description = "The complaint's reference, `TS` and 14 digits.")),
    responses(
        (status = 200, description = "The complaint.", body = ComplaintDetail),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint for this key.", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/complaints/{reference}")]
pub async fn show(
    _req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
    reference: web::Path<Reference>,
) -> ApiResult {
    let loaded = load(&state, caller.scope, reference.into_inner().into_inner()).await?.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(detail(&state, &loaded, caller.scope)))
}

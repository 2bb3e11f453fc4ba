//! The JSON API under `/api/v1`, for merchants' customer-service tools and
//! platforms' order pages: API keys in `Authorization: Bearer <key>`
//! (`auth`), JSON bodies (`json`), errors as RFC 9457 problems
//! (`problem`), and the OpenAPI 3 document at `/api/v1/openapi.json`,
//! generated from the handlers' `#[utoipa::path]` annotations.
//!
//! Adding an endpoint: its handler with `#[utoipa::path(...)]`, one line
//! in [`endpoints`] and one in [`ApiDoc`]'s `paths(...)`.

pub mod answers;
pub mod auth;
pub mod complaints;
pub mod json;
pub mod list;
pub mod platform;
pub mod problem;
pub mod reference;
pub mod upload;
pub mod views;

use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{Next, from_fn};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use self::auth::Authenticated;
use self::problem::{FieldProblem, Problem, ProblemKind};
use crate::web::AppState;

/// Where the API lives.
pub const BASE: &str = "/api/v1";

/// The OpenAPI document of everything under `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Redress API",
        version = "1",
        description = "Complaints for merchants' customer-service tools and platforms' order pages. \
            Authenticate with an API key (made at /merchant/api-keys or /supervisor/api-keys) as \
            `Authorization: Bearer <key>`. Errors are RFC 9457 problem details \
            (`application/problem+json`) whose `type` is `/api/v1/problems/<slug>`."
    ),
    paths(
        complaints::show,
        list::list,
        answers::reply,
        answers::propose,
        answers::evidence,
        platform::filing::file,
        platform::queue::queue,
        platform::rulings::rule,
        reference::page,
        openapi_json,
        problem_type,
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&Bearer),
    tags((name = "complaints", description = "Complaints, their timeline and deadlines."),
         (name = "platform", description = "Platform keys only: file complaints for consumers, the supervisors' queue and rulings."),
         (name = "meta", description = "The API's own description."))
)]
pub struct ApiDoc;

/// The key scheme: `Authorization: Bearer <key>`.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("rdk_<prefix>_<secret>")
            .description(Some("An API key, shown once when it was made."))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document, made once.
static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_json().expect("the OpenAPI document serialises"));

/// The OpenAPI 3 document of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "This document.", content_type = "application/json"))
)]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(DOCUMENT.as_str())
}

/// What a kind of problem means.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemType {
    #[serde(rename = "type")]
    pub uri: String,
    pub title: String,
    /// The status answers of this type have.
    pub status: u16,
    pub description: String,
}

/// What a problem `type` means, in the caller's language.
#[utoipa::path(
    get,
    path = "/api/v1/problems/{slug}",
    tag = "meta",
    params(("slug" = String, Path, description = "The end of a problem's `type`.")),
    responses(
        (status = 200, description = "The problem type.", body = ProblemType),
        (status = 404, description = "No such problem type.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/problems/{slug}")]
pub async fn problem_type(req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, Problem> {
    let kind = ProblemKind::from_slug(&slug).ok_or_else(|| Problem::of(&req, ProblemKind::NotFound))?;
    let t = problem::lang_of(&req).tr();
    Ok(HttpResponse::Ok().json(ProblemType {
        uri: kind.uri(),
        title: t.get(kind.key()).to_owned(),
        status: kind.status().as_u16(),
        description: t.get(kind.description_key()).to_owned(),
    }))
}

/// The API's handlers, relative to [`BASE`].
fn endpoints(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi_json).service(problem_type);
    cfg.service(complaints::show);
    cfg.service(list::list);
    cfg.service(answers::reply).service(answers::propose).service(answers::evidence);
    cfg.service(platform::filing::file).service(platform::queue::queue).service(platform::rulings::rule);
    cfg.service(reference::page);
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope(BASE).wrap(from_fn(audited)).configure(endpoints).default_service(web::to(unrouted)));
}

/// The methods the document gives each of its paths, by path template.
static METHODS: LazyLock<Vec<(Vec<String>, Vec<String>)>> = LazyLock::new(|| {
    let doc: serde_json::Value = serde_json::from_str(&DOCUMENT).unwrap_or_default();
    let paths = doc.get("paths").and_then(|p| p.as_object()).cloned().unwrap_or_default();
    paths
        .into_iter()
        .map(|(template, item)| {
            let segments = template.split('/').map(str::to_owned).collect();
            let methods = ["get", "put", "post", "delete", "patch"]
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| m.to_ascii_uppercase())
                .collect();
            (segments, methods)
        })
        .collect()
});

/// The methods `path` takes, if the document has it.
fn methods_of(path: &str) -> Option<&'static [String]> {
    let segments: Vec<&str> = path.split('/').collect();
    METHODS.iter().find_map(|(template, methods)| {
        let fits = template.len() == segments.len()
            && template.iter().zip(&segments).all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s);
        fits.then_some(methods.as_slice())
    })
}

/// A request no handler took: 405 (with `Allow`) on a path the API has,
/// 404 otherwise.
async fn unrouted(req: HttpRequest) -> HttpResponse {
    match methods_of(req.path()) {
        Some(methods) => {
            let mut res = Problem::of(&req, ProblemKind::MethodNotAllowed).response();
            if let Ok(allow) = actix_web::http::header::HeaderValue::from_str(&methods.join(", ")) {
                res.headers_mut().insert(actix_web::http::header::ALLOW, allow);
            }
            res
        }
        None => Problem::of(&req, ProblemKind::NotFound).response(),
    }
}

/// Records every request made with a valid key on the staff audit log:
/// the key as the actor, the method and path as the subject, the status
/// as the detail.
async fn audited(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let query = req.query_string();
    let request = if query.is_empty() {
        format!("{} {}", req.method(), req.path())
    } else {
        format!("{} {}?{query}", req.method(), req.path())
    };
    let res = next.call(req).await?;
    let key = res.request().extensions().get::<Authenticated>().map(|a| a.0.clone());
    if let (Some(key), Some(state)) = (key, res.request().app_data::<web::Data<AppState>>().cloned()) {
        let address = state.limiter.client(res.request()).to_string();
        let (status, now) = (res.status().as_u16(), state.clock.now());
        let recorded = state
            .write(move |conn| {
                Ok(crate::service::api_keys::record_request(conn, &key, &address, &request, status, now)?)
            })
            .await;
        if let Err(e) = recorded {
            tracing::error!(cause = %e.chain(), "an API request was not recorded on the audit log");
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::methods_of;

    #[test]
    fn the_methods_of_a_path_come_from_the_document() {
        assert_eq!(methods_of("/api/v1/complaints/TS20261120000001"), Some(&["GET".to_owned()][..]));
        assert_eq!(methods_of("/api/v1/openapi.json"), Some(&["GET".to_owned()][..]));
        assert_eq!(methods_of("/api/v1/complaints/TS1/nothing"), None);
        assert_eq!(methods_of("/api/v1/nothing"), None);
    }
}

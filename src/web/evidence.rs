//! Serving evidence, to those allowed only: the consumer through the
//! tracking link, staff of the complaint's merchant, supervisors. Images
//! are shown in the page, PDFs only ever downloaded; nothing is sniffed.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get, web};

use crate::domain::evidence::Kind;
use crate::error::AppError;
use crate::service::evidence::path;
use crate::store::complaints as store;
use crate::store::evidence::{self, Evidence};
use crate::web::AppState;
use crate::web::session::{MerchantStaff, Supervisor};

/// One file as a page lists it.
pub struct EvidenceView {
    pub name: String,
    pub href: String,
    /// For images: the thumbnail's address.
    pub thumb: Option<String>,
    /// "1.2 MB"
    pub size: String,
}

/// The complaint's files as listed on a page whose files live under `base`
/// (`/t/{token}`, `/merchant/complaints/{reference}`, …).
pub fn views(base: &str, files: &[Evidence]) -> Vec<EvidenceView> {
    files
        .iter()
        .map(|f| EvidenceView {
            name: f.name.clone(),
            href: format!("{base}/evidence/{}", f.id),
            thumb: f.thumb_sha256.as_ref().map(|_| format!("{base}/evidence/{}/thumb", f.id)),
            size: size(f.bytes),
        })
        .collect()
}

fn size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

/// `file` or its thumbnail, with the headers that keep it what it is.
async fn serve(state: &AppState, file: Evidence, thumb: bool) -> Result<HttpResponse, AppError> {
    let kind = Kind::from_slug(&file.kind).ok_or(AppError::NotFound)?;
    let (sha, mime) = match (thumb, &file.thumb_sha256) {
        (true, Some(t)) => (t.clone(), "image/jpeg"),
        (true, None) => return Err(AppError::NotFound),
        (false, _) => (file.sha256.clone(), kind.mime()),
    };
    let at = path(&state.config.upload_dir, &sha).ok_or(AppError::NotFound)?;
    let bytes = web::block(move || std::fs::read(at)).await.map_err(AppError::internal)?.map_err(|e| {
        tracing::error!(error = %e, evidence = file.id, "an evidence file is missing from the upload folder");
        AppError::NotFound
    })?;
    // Images are shown in the page; a PDF is only ever a download.
    let how = if kind.is_image() { "inline" } else { "attachment" };
    let disposition = format!(
        "{how}; filename=\"evidence-{}.{}\"; filename*=UTF-8''{}",
        file.id,
        kind.extension(),
        encode(&file.name)
    );
    let mut res = HttpResponse::Ok().content_type(mime).body(bytes);
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(AppError::internal)?);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    headers.insert(header::HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff"));
    Ok(res)
}

/// RFC 5987: every byte outside the unreserved set percent-encoded.
fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn parse(id: &str, rest: &str) -> Result<(i64, bool), AppError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    match rest {
        "" => Ok((id, false)),
        "thumb" => Ok((id, true)),
        _ => Err(AppError::NotFound),
    }
}

/// The consumer's: the tracking link is the key.
#[get("/t/{token}/evidence/{id}{rest:(/thumb)?}")]
pub async fn consumer(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (token, id, rest) = path.into_inner();
    let (id, thumb) = parse(&id, rest.trim_start_matches('/'))?;
    let file = state
        .db(move |conn| {
            let (c, _) = store::find_by_token(conn, &token)?.ok_or(AppError::NotFound)?;
            evidence::find(conn, c.id, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    serve(&state, file, thumb).await
}

/// Staff of the complaint's merchant; another merchant's is not found.
#[get("/merchant/complaints/{reference}/evidence/{id}{rest:(/thumb)?}")]
pub async fn merchant(
    who: MerchantStaff,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id, rest) = path.into_inner();
    let (id, thumb) = parse(&id, rest.trim_start_matches('/'))?;
    let merchant_id = who.merchant_id;
    let file = state
        .db(move |conn| {
            let c = store::find_for_merchant(conn, merchant_id, &reference)?.ok_or(AppError::NotFound)?;
            evidence::find(conn, c.id, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    serve(&state, file, thumb).await
}

#[get("/supervisor/complaints/{reference}/evidence/{id}{rest:(/thumb)?}")]
pub async fn supervisor(
    _who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id, rest) = path.into_inner();
    let (id, thumb) = parse(&id, rest.trim_start_matches('/'))?;
    let file = state
        .db(move |conn| {
            let (c, _) = crate::store::supervision::find(conn, &reference)?.ok_or(AppError::NotFound)?;
            evidence::find(conn, c.id, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    serve(&state, file, thumb).await
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(consumer).service(merchant).service(supervisor);
}

//! Serving evidence, to those allowed only: the consumer through the
//! tracking link, staff of the complaint's merchant, supervisors. Images
//! are shown in the page, PDFs only ever downloaded; nothing is sniffed.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;

use crate::domain::event::Viewer;
use crate::domain::evidence::{Kind, MAX_FRAMES, MAX_PIXELS, Side};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::evidence::{EvidenceError, Plan, Stored, Upload, inspect, path, prepare, save, shown};
use crate::store::complaints as store;
use crate::store::evidence::{self, Evidence};
use crate::web::AppState;
use crate::web::path::{EvidenceId, Reference, Token};
use crate::web::refusal::Refuse;
use crate::web::session::{MerchantStaff, Supervisor};

/// Memory, in MiB, that large images being made anew may take at once.
/// An image costing more (a 12 MP photo, about 183 MiB; the largest
/// allowed, 16 MP of 8-bit RGBA, as much) takes the whole lane and is made
/// alone, so large images never add up: the peak is the largest one's.
pub const DECODING_BUDGET_MIB: u32 = 160;
/// Images that cost at most this much (about 2 MP) go through a lane of
/// their own, so they never wait behind a large one.
const SMALL_MIB: u32 = 32;
/// The small lane's budget: two at once.
const SMALL_BUDGET_MIB: u32 = 64;

/// Turns at decoding evidence images, weighted by what each costs in
/// memory (see `Declared::cost`): large images take turns within
/// [`DECODING_BUDGET_MIB`], small ones have their own lane. Waited on
/// without holding a thread.
pub struct Decoding {
    large: tokio::sync::Semaphore,
    small: tokio::sync::Semaphore,
}

impl Default for Decoding {
    fn default() -> Self {
        Decoding {
            large: tokio::sync::Semaphore::new(DECODING_BUDGET_MIB as usize),
            small: tokio::sync::Semaphore::new(SMALL_BUDGET_MIB as usize),
        }
    }
}

impl Decoding {
    /// Waits until an image costing `bytes` may be decoded.
    pub async fn turn(&self, bytes: u64) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        let mib = u32::try_from(bytes.div_ceil(1024 * 1024)).unwrap_or(u32::MAX).max(1);
        let (lane, budget) =
            if mib <= SMALL_MIB { (&self.small, SMALL_BUDGET_MIB) } else { (&self.large, DECODING_BUDGET_MIB) };
        lane.acquire_many(mib.min(budget)).await.map_err(AppError::internal)
    }
}

/// One file as a page lists it.
pub struct EvidenceView {
    pub name: String,
    pub href: String,
    /// For images: the thumbnail's address.
    pub thumb: Option<String>,
    /// "1.2 MB"
    pub size: String,
    /// Who sent it, in words.
    pub by: String,
}

/// The complaint's files as listed on a page whose files live under `base`
/// (`/t/{token}`, `/merchant/complaints/{reference}`, …).
/// `viewer` reads who sent each: "您提供" to the consumer, "消费者提供" to staff.
pub fn views(t: &Tr, base: &str, files: &[Evidence], viewer: Viewer) -> Vec<EvidenceView> {
    files
        .iter()
        .map(|f| EvidenceView {
            name: f.name.clone(),
            href: format!("{base}/evidence/{}", f.id),
            thumb: f.thumb_sha256.as_ref().map(|_| format!("{base}/evidence/{}/thumb", f.id)),
            size: size(f.bytes),
            by: t
                .to(viewer, if f.added_by == Side::Merchant { "evidence.by_merchant" } else { "evidence.by_consumer" })
                .to_owned(),
        })
        .collect()
}

pub fn size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

/// A kept file as it is served: a complaint's, or an inspection's.
pub struct Served {
    pub id: i64,
    pub kind: Kind,
    pub sha256: String,
    pub thumb_sha256: Option<String>,
    pub name: String,
}

impl From<Evidence> for Served {
    fn from(f: Evidence) -> Served {
        Served { id: f.id, kind: f.kind, sha256: f.sha256, thumb_sha256: f.thumb_sha256, name: f.name }
    }
}

/// `file` or its thumbnail, with the headers that keep it what it is.
pub async fn serve(state: &AppState, file: Served, thumb: bool) -> Result<HttpResponse, AppError> {
    let kind = file.kind;
    let (sha, kind) = match (thumb, &file.thumb_sha256) {
        (true, Some(t)) => (t.clone(), Kind::Jpeg),
        (true, None) => return Err(AppError::NotFound),
        (false, _) => (file.sha256.clone(), kind),
    };
    let name = if thumb { format!("evidence-{}.jpg", file.id) } else { file.name.clone() };
    send_file(state, &sha, kind, (&format!("evidence-{}", file.id), &name)).await
}

/// The upload folder's file `sha` as a `kind`, named `(ascii, name)` for a
/// download: an image shown in the page, a PDF only ever downloaded,
/// never sniffed.
pub async fn send_file(
    state: &AppState,
    sha: &str,
    kind: Kind,
    (ascii, name): (&str, &str),
) -> Result<HttpResponse, AppError> {
    let at = path(&state.config.upload_dir, sha).ok_or(AppError::NotFound)?;
    let bytes = web::block(move || std::fs::read(at)).await.map_err(AppError::internal)?.map_err(|e| {
        tracing::error!(error = %e, file = ascii, "an uploaded file is missing from the upload folder");
        AppError::NotFound
    })?;
    // Images are shown in the page; a PDF is only ever a download.
    let how = if kind.is_image() { "inline" } else { "attachment" };
    let disposition = format!("{how}; filename=\"{ascii}.{}\"; filename*=UTF-8''{}", kind.extension(), encode(name));
    let mut res = HttpResponse::Ok().content_type(kind.mime()).body(bytes);
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

/// What an evidence route serves: the file, or (`…/thumb`) its thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Part {
    #[serde(rename = "")]
    File,
    #[serde(rename = "/thumb")]
    Thumb,
}

impl Part {
    fn thumb(self) -> bool {
        self == Part::Thumb
    }
}

/// The consumer's: the tracking link is the key.
#[get("/t/{token}/evidence/{id}{part:(/thumb)?}")]
pub async fn consumer(
    state: web::Data<AppState>,
    path: web::Path<(Token, EvidenceId, Part)>,
) -> Result<HttpResponse, AppError> {
    let (token, id, part) = path.into_inner();
    let file = state
        .db(move |conn| {
            let (c, _) = store::find_by_token(conn, &token)?.ok_or(AppError::NotFound)?;
            evidence::find(conn, c.id, id.0)?.ok_or(AppError::NotFound)
        })
        .await?;
    serve(&state, file.into(), part.thumb()).await
}

/// Staff of the complaint's merchant; another merchant's is not found.
#[get("/merchant/complaints/{reference}/evidence/{id}{part:(/thumb)?}")]
pub async fn merchant(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    path: web::Path<(Reference, EvidenceId, Part)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id, part) = path.into_inner();
    let merchant_id = who.merchant_id;
    let subject = format!("complaint {reference}");
    let file = state
        .db(move |conn| {
            let c = store::find_for_merchant(conn, merchant_id, &reference)?.ok_or(AppError::NotFound)?;
            evidence::find(conn, c.id, id.0)?.ok_or(AppError::NotFound)
        })
        .await?;
    opened(&state, state.actor(&req, &who.staff), subject, &file, part).await?;
    serve(&state, file.into(), part.thumb()).await
}

#[get("/supervisor/complaints/{reference}/evidence/{id}{part:(/thumb)?}")]
pub async fn supervisor(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(Reference, EvidenceId, Part)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id, part) = path.into_inner();
    let subject = format!("complaint {reference}");
    let file = state
        .db(move |conn| {
            let (c, _) = crate::store::supervision::find(conn, &reference)?.ok_or(AppError::NotFound)?;
            evidence::find(conn, c.id, id.0)?.ok_or(AppError::NotFound)
        })
        .await?;
    opened(&state, state.actor(&req, &who.0), subject, &file, part).await?;
    serve(&state, file.into(), part.thumb()).await
}

/// Staff opening a file is on the audit log; the thumbnails a page shows
/// are not (they are the page, not a look at the evidence).
async fn opened(
    state: &AppState,
    who: crate::service::audit::Actor,
    subject: String,
    file: &Evidence,
    part: Part,
) -> Result<(), AppError> {
    if part.thumb() {
        return Ok(());
    }
    let detail = format!("evidence {} ({})", file.id, file.name);
    state.audit(who, crate::domain::audit::AuditKind::EvidenceOpened, subject, detail).await
}

/// Checks the files, makes images anew with their thumbnails, and writes
/// them to the upload folder, off the async workers: the outer error is a
/// failure to store (503, the form kept), the inner a file refused (422).
/// Every file's header is read first, so an image too large to decode is
/// refused before any work is done on the others; then each image waits
/// for its turn, weighted by its cost (see [`Decoding`]).
pub async fn keep(state: &AppState, uploads: Vec<Upload>) -> Result<Result<Vec<Stored>, EvidenceError>, AppError> {
    if uploads.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let (uploads, plans) = web::block(move || {
        let plans: Result<Vec<Plan>, EvidenceError> = uploads.iter().map(inspect).collect();
        (uploads, plans)
    })
    .await
    .map_err(AppError::internal)?;
    let plans = match plans {
        Ok(plans) => plans,
        Err(e) => return Ok(Err(e)),
    };
    let mut stored = Vec::with_capacity(uploads.len());
    for (upload, plan) in uploads.into_iter().zip(plans) {
        let _turn = if plan.cost > 0 { Some(state.decoding.turn(plan.cost).await?) } else { None };
        let dir = state.config.upload_dir.clone();
        let kept = web::block(move || -> std::io::Result<Result<Stored, EvidenceError>> {
            match prepare(&upload, plan) {
                Ok(ready) => Ok(Ok(save(&dir, &ready)?)),
                Err(e) => Ok(Err(e)),
            }
        })
        .await
        .map_err(AppError::internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "evidence could not be written to the upload folder");
            AppError::unavailable(format!("upload folder: {e}"))
        })?;
        match kept {
            Ok(file) => stored.push(file),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(stored))
}

/// What the form says about a file refused: its refusal's message, with
/// the file's name (and sizes) filled in.
pub fn message(t: &Tr, e: EvidenceError) -> Result<String, AppError> {
    let max_megapixels = MAX_PIXELS / 1_000_000;
    let args: Vec<(&str, &dyn std::fmt::Display)> = match &e {
        EvidenceError::Kind(name) | EvidenceError::Broken(name) | EvidenceError::Name(name) => vec![("name", name)],
        EvidenceError::Pixels { name, width, height } => {
            vec![("name", name), ("width", width), ("height", height), ("max", &max_megapixels)]
        }
        EvidenceError::Frames { name, frames } => vec![("name", name), ("frames", frames), ("max", &MAX_FRAMES)],
    };
    Ok(t.fmt(e.clone().refusal()?.key, &args))
}

/// The files sent with a message, checked and kept: `Ok` with the files
/// to record with it, or `Err` with the message for the form's evidence
/// field (422, the rest of the form kept).
pub async fn accept(state: &AppState, t: &Tr, uploads: Vec<Upload>) -> Result<Result<Vec<Stored>, String>, AppError> {
    let refused = match refused(&uploads) {
        Some(e) => e,
        None => match keep(state, uploads).await? {
            Ok(stored) => return Ok(Ok(stored)),
            Err(e) => e,
        },
    };
    Ok(Err(message(t, refused)?))
}

/// The first file whose content is not one accepted (told by its first
/// bytes alone: no work is done on any file before all pass this).
pub fn refused(uploads: &[Upload]) -> Option<EvidenceError> {
    let bad = uploads.iter().find(|u| Kind::sniff(&u.bytes).is_none())?;
    Some(EvidenceError::Kind(shown(&bad.name)))
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(consumer).service(merchant).service(supervisor);
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::Decoding;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn large_images_take_turns_and_small_ones_do_not_wait_behind_them() {
        let decoding = Decoding::default();
        let photo = decoding.turn(183 * MIB).now_or_never().expect("a 12 MP photo goes at once").unwrap();
        assert!(decoding.turn(183 * MIB).now_or_never().is_none(), "a second one waits its turn");
        let small = decoding.turn(4 * MIB).now_or_never().expect("a small image does not wait").unwrap();
        drop(photo);
        // Larger than the whole budget: it waits for all of it, not forever.
        assert!(decoding.turn(10_000 * MIB).now_or_never().is_some());
        drop(small);
    }
}

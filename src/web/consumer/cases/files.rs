//! `/cases.csv`, `/cases.json`, `/cases/merchants.json`: the open data
//! files as the last build left them (`service::published::open_data`),
//! streamed from disk a chunk at a time (never read into memory), with a
//! strong `ETag` (the build's: the file's identity, which no build reuses,
//! since each writes a new file and renames it into place), so that
//! `If-None-Match` answers 304; `HEAD` says as much without the body.
//! Before the first build: 503, with `Retry-After` and a page that says so.

use std::io::Read;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, route, web};

use crate::error::AppError;
use crate::service::published::open_data::{OpenFile, folder};
use crate::web::AppState;
use crate::web::page::{ErrorPage, PageCtx, render};

/// Bytes read from disk per chunk of the body.
const CHUNK: usize = 64 * 1024;
/// How long a client may keep a file before asking again (with its ETag).
const CACHE: &str = "public, max-age=300";
/// Seconds to wait for the first build.
const RETRY_AFTER: &str = "60";

#[route("/cases.csv", method = "GET", method = "HEAD")]
pub async fn cases_csv(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    serve(&req, &state, OpenFile::CasesCsv).await
}

#[route("/cases.json", method = "GET", method = "HEAD")]
pub async fn cases_json(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    serve(&req, &state, OpenFile::CasesJson).await
}

#[route("/cases/merchants.json", method = "GET", method = "HEAD")]
pub async fn merchants_json(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    serve(&req, &state, OpenFile::Merchants).await
}

/// The build's tag of an open file: its inode, modification time and size.
fn etag(meta: &std::fs::Metadata) -> String {
    let nanos =
        meta.modified().ok().and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let inode = 0u64;
    format!("\"{inode:x}-{nanos:x}-{:x}\"", meta.len())
}

/// Whether `If-None-Match` names `tag` (or `*`): weak comparison, as RFC
/// 9110 has it for this header.
fn matches(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag))
}

/// "Not built yet": 503 with when to come back.
fn not_yet(req: &HttpRequest) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let mut page = ErrorPage::new(ctx, StatusCode::SERVICE_UNAVAILABLE, None);
    page.title = page.ctx.t.get("published.data_not_ready_title").to_owned();
    page.message = page.ctx.t.get("published.data_not_ready").to_owned();
    let mut res = render(StatusCode::SERVICE_UNAVAILABLE, &page)?;
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER));
    Ok(res)
}

async fn serve(req: &HttpRequest, state: &AppState, file: OpenFile) -> Result<HttpResponse, AppError> {
    let path = folder(&state.config.data_dir).join(file.file_name());
    let opened = web::block(move || match std::fs::File::open(&path) {
        Ok(f) => f.metadata().map(|m| Some((f, m))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    })
    .await?
    .map_err(AppError::internal)?;
    let Some((f, meta)) = opened else { return not_yet(req) };
    let tag = etag(&meta);
    let modified = meta.modified().ok().map(chrono::DateTime::<chrono::Utc>::from);
    let mut res = if matches(req, &tag) { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, tag.clone())).insert_header((header::CACHE_CONTROL, CACHE));
    if let Some(at) = modified {
        res.insert_header((header::LAST_MODIFIED, at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()));
    }
    if matches(req, &tag) {
        return Ok(res.finish());
    }
    res.insert_header((header::CONTENT_TYPE, file.content_type()));
    if file == OpenFile::CasesCsv {
        res.insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"redress-cases.csv\""));
    }
    Ok(res.no_chunking(meta.len()).streaming(chunks(f)))
}

/// The file's bytes, a chunk at a time, each read off the async workers.
fn chunks(file: std::fs::File) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut f = file?;
        let read = web::block(move || {
            let mut buf = vec![0; CHUNK];
            let n = f.read(&mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((f, buf))
        })
        .await;
        match read {
            Ok(Ok((_, buf))) if buf.is_empty() => None,
            Ok(Ok((f, buf))) => Some((Ok(Bytes::from(buf)), Some(f))),
            Ok(Err(e)) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
            Err(e) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
        }
    })
}

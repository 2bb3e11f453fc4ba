//! Reading evidence sent to the API: `multipart/form-data` (or 415) with
//! the reply as `body` and the files as `evidence`, at most as many and as
//! large as the site takes (413 beyond), each told by its content (a type
//! not taken is 415) and checked as the site checks it (422).

use actix_web::{HttpMessage, HttpRequest, web};

use super::problem::{Problem, ProblemKind, lang_of};
use crate::domain::conversation::{Reply, ReplyForm};
use crate::domain::event::Visibility;
use crate::domain::evidence::Stored;
use crate::web::AppState;
use crate::web::evidence::{keep, message, refused};
use crate::web::form::{FILES, read_with_files};

/// The reply and its files, checked and kept, or the problem with them.
pub async fn read(
    req: &HttpRequest,
    state: &AppState,
    payload: web::Payload,
) -> Result<(Reply, Vec<Stored>), actix_web::Error> {
    if !req.content_type().eq_ignore_ascii_case("multipart/form-data") {
        return Err(Problem::of(req, ProblemKind::UnsupportedMediaType).into());
    }
    let (form, uploads) = read_with_files(req, payload, FILES).await?;
    let t = lang_of(req).tr();
    let reply = ReplyForm { body: form.get("body"), visibility: Visibility::Public.slug().into() }
        .validate()
        .map_err(|e| Problem::fields(&t, &e))?;
    if uploads.is_empty() {
        let why = crate::domain::field::Invalid::Required;
        return Err(Problem::field(&t, FILES, why.key(), t.get(why.key()).to_owned()).into());
    }
    if let Some(e) = refused(&uploads) {
        let mut p = Problem::field(&t, FILES, "form.evidence_kind", message(&t, e)?);
        let kind = ProblemKind::UnsupportedMediaType;
        (p.kind, p.status, p.kind_uri, p.title) = (Some(kind), 415, kind.uri(), t.get(kind.key()).to_owned());
        return Err(p.into());
    }
    match keep(state, uploads).await? {
        Ok(stored) => Ok((reply, stored)),
        Err(e) => {
            let code = match &e {
                crate::service::evidence::EvidenceError::Kind(_) => "form.evidence_kind",
                crate::service::evidence::EvidenceError::Broken(_) => "form.evidence_broken",
                crate::service::evidence::EvidenceError::Name(_) => "form.evidence_name",
                crate::service::evidence::EvidenceError::Pixels { .. } => "form.evidence_pixels",
                crate::service::evidence::EvidenceError::Frames { .. } => "form.evidence_frames",
            };
            Err(Problem::field(&t, FILES, code, message(&t, e)?).into())
        }
    }
}

//! Reading a JSON request body: `Content-Type: application/json` (or any
//! `+json` type) or 415, at most [`JSON_LIMIT`] bytes or 413, well-formed
//! JSON or 400, of the request's shape or 422: each as a problem, never
//! actix's own text answers.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::problem::{Problem, ProblemKind, lang_of};

/// The largest JSON body taken: a reply of 2,000 Chinese characters, even
/// with every character escaped (`\uXXXX`), fits with room to spare.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON body read as `T`.
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Whether the request says its body is JSON.
fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The body, read whole within [`JSON_LIMIT`].
pub async fn read_limited(req: &HttpRequest, payload: &mut Payload, limit: usize) -> Result<web::BytesMut, Problem> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(Problem::of(req, ProblemKind::PayloadTooLarge));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| Problem::of(req, ProblemKind::BadRequest))?;
        if body.len() + chunk.len() > limit {
            return Err(Problem::of(req, ProblemKind::PayloadTooLarge));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `bytes` as `T`, or the problem with them.
pub fn parse<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes).map_err(|e| {
        let t = lang_of(req).tr();
        let (kind, key) = match e.classify() {
            serde_json::error::Category::Data => (ProblemKind::InvalidBody, "api.json_shape"),
            _ => (ProblemKind::MalformedJson, "api.json_syntax"),
        };
        // serde's own words name the field or position; the sentence
        // before them is in the caller's language.
        Problem::new(&t, kind).detail(t.fmt(key, &[("why", &e)]))
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json(&req) {
                return Err(Problem::of(&req, ProblemKind::UnsupportedMediaType));
            }
            let body = read_limited(&req, &mut payload, JSON_LIMIT).await?;
            parse(&req, &body).map(ApiJson)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn json_types_are_recognised_by_their_essence() {
        for (ct, ok) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/merge-patch+json", true),
            ("text/json", false),
            ("application/x-www-form-urlencoded", false),
            ("multipart/form-data; boundary=x", false),
        ] {
            let req = TestRequest::default().insert_header((header::CONTENT_TYPE, ct)).to_http_request();
            assert_eq!(is_json(&req), ok, "{ct}");
        }
        assert!(!is_json(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn syntax_and_shape_are_told_apart() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Reply {
            body: String,
        }
        let req = TestRequest::default().to_http_request();
        assert_eq!(parse::<Reply>(&req, b"{\"body\":").unwrap_err().status, 400);
        let shape = parse::<Reply>(&req, b"{\"body\":5}").unwrap_err();
        assert_eq!((shape.status, shape.kind), (422, Some(ProblemKind::InvalidBody)));
        assert_eq!(parse::<Reply>(&req, b"{\"body\":\"x\"}").unwrap().body, "x");
    }
}

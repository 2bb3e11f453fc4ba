//! Reading a form body: bounded in size (413 beyond), strictly decoded
//! (400 for anything that is not a well-formed url-encoded form).

use std::collections::HashMap;

use actix_web::{HttpMessage, HttpRequest, web};
use futures_util::StreamExt;

use crate::domain::evidence::{MAX_BYTES, MAX_FILES};
use crate::error::AppError;
use crate::service::evidence::Upload;

/// Enough for the longest complaint (2,000 Chinese characters are 18 KiB
/// once percent-encoded) with room to spare.
pub const FORM_LIMIT: usize = 64 * 1024;

/// A decoded form: each field once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Form(HashMap<String, String>);

impl Form {
    /// The field's value, or "" when it was not sent.
    pub fn get(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }
}

/// A decoded form whose fields may repeat (checkbox groups).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MultiForm(Vec<(String, String)>);

impl MultiForm {
    /// The first value of a field, or "".
    pub fn first(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// Like `read`, for forms with checkbox groups.
pub async fn read_multi(req: &HttpRequest, payload: web::Payload) -> Result<MultiForm, AppError> {
    let body = read_body(req, payload).await?;
    parse_pairs(&body).map(MultiForm).map_err(AppError::BadRequest)
}

/// A form that may carry files (`multipart/form-data`, the complaint form
/// with evidence) or not (url-encoded): its fields, and the files sent as
/// `files`, at most [`MAX_FILES`] of [`MAX_BYTES`] each (413 beyond).
pub async fn read_with_files(
    req: &HttpRequest,
    payload: web::Payload,
    files: &str,
) -> Result<(Form, Vec<Upload>), AppError> {
    if !req.content_type().eq_ignore_ascii_case("multipart/form-data") {
        return Ok((read(req, payload).await?, Vec::new()));
    }
    let mut multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let (mut fields, mut uploads) = (HashMap::new(), Vec::new());
    let (mut text_bytes, mut too_large, mut drained) = (0usize, false, 0usize);
    while let Some(part) = multipart.next().await {
        let mut part = part.map_err(|_| AppError::BadRequest("a malformed multipart body"))?;
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part.content_disposition().and_then(|d| d.get_filename()).map(str::to_owned);
        let is_file = name == files;
        let limit = if is_file { MAX_BYTES } else { FORM_LIMIT.saturating_sub(text_bytes) };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest("the request body was cut off"))?;
            // Over a limit, the rest is read and dropped (so the browser
            // gets the answer rather than a reset connection), up to a point.
            if too_large || bytes.len() + chunk.len() > limit {
                too_large = true;
                drained += chunk.len();
                if drained > DRAIN_AT_MOST {
                    return Err(AppError::PayloadTooLarge);
                }
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if too_large {
            continue;
        }
        if is_file {
            // An empty file input still sends a part, with no name.
            if bytes.is_empty() && file_name.as_deref().unwrap_or_default().is_empty() {
                continue;
            }
            if uploads.len() == MAX_FILES {
                too_large = true;
                continue;
            }
            uploads.push(Upload { name: file_name.unwrap_or_default(), bytes });
        } else {
            text_bytes += bytes.len();
            let value = String::from_utf8(bytes).map_err(|_| AppError::BadRequest("the form is not valid UTF-8"))?;
            if fields.insert(name, value).is_some() {
                return Err(AppError::BadRequest("a form field was sent twice"));
            }
        }
    }
    if too_large {
        return Err(AppError::PayloadTooLarge);
    }
    Ok((Form(fields), uploads))
}

/// How much of an oversized body is still read before the connection is
/// dropped instead.
const DRAIN_AT_MOST: usize = 64 * 1024 * 1024;

pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<Form, AppError> {
    let body = read_body(req, payload).await?;
    parse(&body).map_err(AppError::BadRequest)
}

async fn read_body(req: &HttpRequest, mut payload: web::Payload) -> Result<web::BytesMut, AppError> {
    if req.content_type() != "application/x-www-form-urlencoded" {
        return Err(AppError::BadRequest("expected an application/x-www-form-urlencoded body"));
    }
    let declared =
        req.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > FORM_LIMIT) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest("the request body was cut off"))?;
        if body.len() + chunk.len() > FORM_LIMIT {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Decodes `application/x-www-form-urlencoded`, refusing what browsers never
/// send: bad percent escapes, invalid UTF-8, a field given twice.
pub fn parse(body: &[u8]) -> Result<Form, &'static str> {
    let mut fields = HashMap::new();
    for (name, value) in parse_pairs(body)? {
        if fields.insert(name, value).is_some() {
            return Err("a form field was sent twice");
        }
    }
    Ok(Form(fields))
}

/// Every `name=value` pair, in order, strictly decoded.
fn parse_pairs(body: &[u8]) -> Result<Vec<(String, String)>, &'static str> {
    let mut pairs = Vec::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        pairs.push((decode(name)?, decode(value)?));
    }
    Ok(pairs)
}

fn decode(raw: &[u8]) -> Result<String, &'static str> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).ok_or("a percent escape is cut short")?;
                // Two hex digits exactly: `from_str_radix` alone would also
                // take a sign ("%+a"), which no browser sends.
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err("bad percent escape");
                }
                let hex = std::str::from_utf8(hex).map_err(|_| "bad percent escape")?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| "bad percent escape")?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "the form is not valid UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_what_browsers_send() {
        let f = parse(b"a=1&b=hello+world&c=%E4%B8%AD%E6%96%87&d=&e").unwrap();
        assert_eq!(f.get("b"), "hello world");
        assert_eq!(f.get("c"), "中文");
        assert_eq!(f.get("d"), "");
        assert_eq!(f.get("e"), "");
        assert_eq!(f.get("missing"), "");
    }

    #[test]
    fn refuses_malformed_bodies() {
        assert!(parse(b"a=%ZZ").is_err());
        assert!(parse(b"a=%E4").is_err());
        assert!(parse(b"a=%4").is_err());
        // Found by tests/fuzz.rs: a sign is not a hex digit.
        assert!(parse(b"a=%+a").is_err());
        assert!(parse(b"%-1=x").is_err());
        assert!(parse(b"a=1&a=2").is_err());
        assert!(parse(b"a=\xff").is_err());
    }

    proptest! {
        #[test]
        fn encoded_fields_round_trip(fields in prop::collection::hash_map("[a-z_]{1,12}", "\\PC{0,40}", 0..8)) {
            let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
            let form = parse(body.as_bytes()).unwrap();
            for (k, v) in &fields {
                prop_assert_eq!(&form.get(k), v);
            }
        }

        #[test]
        fn never_panics(body in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse(&body);
        }
    }

    fn encode(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
}

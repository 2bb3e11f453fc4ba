//! Reading a form body: bounded in size (413 beyond), strictly decoded
//! (400 for anything that is not a well-formed url-encoded form).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

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

/// A form as its handler wants it: the fields as `T` (a
/// `#[derive(Deserialize)]` struct of the form's fields; one sent twice, a
/// bad escape or a body not url-encoded is a 400, one too large a 413),
/// with the CSRF token already checked. Fields the struct does not name
/// (buttons, the token itself) are ignored; fields it names but the body
/// lacks take their `#[serde(default)]`.
pub struct CsrfForm<T>(Checked<T>);

/// Like [`CsrfForm`], for forms with checkbox groups: a field sent several
/// times is a list (read it into a `Vec<String>` with
/// `#[serde(default, deserialize_with = "form::list")]`).
pub struct CsrfListForm<T>(Checked<T>);

/// Like [`CsrfForm`], for forms that may carry evidence files
/// (`multipart/form-data`, or url-encoded with none): the files sent as
/// `evidence`, at most [`MAX_FILES`] of [`MAX_BYTES`] each (413 beyond).
pub struct CsrfUpload<T>(Checked<T>);

/// Like [`CsrfUpload`], for the report form: its file is sent as
/// [`SCREENSHOT`] (the same limits; how many it takes is the form's rule).
pub struct CsrfScreenshot<T>(Checked<T>);

/// What was posted, and whether its token matched the visitor's.
struct Checked<T> {
    posted: Posted<T>,
    forged: bool,
}

/// A form's fields and files, once read.
pub struct Posted<T> {
    pub fields: T,
    pub files: Vec<Upload>,
}

/// A form whose CSRF token did not match: what was typed, so the page can
/// be shown again (403) with it kept.
pub struct Forged<T>(pub Posted<T>);

/// How a reader takes its body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    /// url-encoded, each field once.
    Fields,
    /// url-encoded, checkbox groups as lists.
    Lists,
    /// multipart with files under the field named, or url-encoded.
    Upload(&'static str),
}

macro_rules! checked_form {
    ($name:ident, $body:expr) => {
        impl<T> $name<T> {
            /// The form, or [`Forged`] (with what was typed) when its token
            /// did not match the visitor's.
            pub fn checked(self) -> Result<Posted<T>, Forged<T>> {
                if self.0.forged { Err(Forged(self.0.posted)) } else { Ok(self.0.posted) }
            }

            /// The form, or a bare 403 for a form with nothing worth
            /// showing again (a button, a sign-out).
            pub fn or_forbidden(self) -> Result<Posted<T>, AppError> {
                self.checked().map_err(|_| AppError::Forbidden)
            }
        }

        impl<T: DeserializeOwned + 'static> FromRequest for $name<T> {
            type Error = AppError;
            type Future = Reading<Self>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let read = read_checked::<T>(req, payload, $body);
                Box::pin(async move { read.await.map($name) })
            }
        }
    };
}
checked_form!(CsrfForm, Body::Fields);
checked_form!(CsrfListForm, Body::Lists);
checked_form!(CsrfUpload, Body::Upload(FILES));
checked_form!(CsrfScreenshot, Body::Upload(SCREENSHOT));

type Reading<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Reads the body as `how` says into `T`, and checks its token.
fn read_checked<T: DeserializeOwned + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    how: Body,
) -> Reading<Checked<T>> {
    let (req, payload) = (req.clone(), body(req, payload));
    Box::pin(async move {
        if let Body::Upload(name) = how {
            let (form, files) = read_with_files(&req, payload?, name).await?;
            return check(&req, form.0.into_iter().collect(), files, false);
        }
        let pairs = parse_pairs(&read_body(&req, payload?).await?).map_err(AppError::BadRequest)?;
        check(&req, pairs, Vec::new(), how == Body::Lists)
    })
}

/// The field that carries evidence files.
pub const FILES: &str = "evidence";
/// The report form's field for its screenshot.
pub const SCREENSHOT: &str = "screenshot";

/// `pairs` as `T`, and whether their token matched the cookie's.
fn check<T: DeserializeOwned>(
    req: &HttpRequest,
    pairs: Vec<(String, String)>,
    files: Vec<Upload>,
    lists: bool,
) -> Result<Checked<T>, AppError> {
    let mut object = serde_json::Map::new();
    let mut token = None;
    for (name, value) in pairs {
        if name == super::csrf::FIELD {
            if token.replace(value).is_some() {
                return Err(AppError::BadRequest(TWICE));
            }
            continue;
        }
        match object.get_mut(&name) {
            None => {
                object.insert(name, serde_json::Value::String(value));
            }
            Some(_) if !lists => return Err(AppError::BadRequest(TWICE)),
            Some(serde_json::Value::Array(values)) => values.push(value.into()),
            Some(first) => *first = serde_json::Value::Array(vec![first.take(), value.into()]),
        }
    }
    let fields = T::deserialize(serde_json::Value::Object(object)).map_err(|e| {
        tracing::debug!(error = %e, "a form that does not fit its fields");
        AppError::BadRequest(if lists { "a form field has the wrong shape" } else { TWICE })
    })?;
    let forged = !super::csrf::verify(req, token.as_deref().unwrap_or_default());
    Ok(Checked { posted: Posted { fields, files }, forged })
}

/// The request's body, for the readers above (taking it cannot fail).
fn body(req: &HttpRequest, payload: &mut Payload) -> Result<web::Payload, AppError> {
    web::Payload::from_request(req, payload).into_inner().map_err(|_| AppError::BadRequest("no body"))
}

const TWICE: &str = "a form field was sent twice";

/// For a checkbox group's field in a [`CsrfListForm`]: one value or several.
pub fn list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match <OneOrMany as serde::Deserialize>::deserialize(d)? {
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(v) => v,
    })
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
mod tests;

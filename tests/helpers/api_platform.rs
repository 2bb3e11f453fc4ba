//! The API with headers of the request's own (`Idempotency-Key`).

use super::api::{ApiAnswer, ApiClient};
use super::client::browser;

impl ApiClient {
    /// `body` as `content_type`, with `headers` besides the key's.
    pub fn post_with(&self, path: &str, content_type: &str, headers: &[(&str, &str)], body: &[u8]) -> ApiAnswer {
        let mut req = browser().post(format!("{}{path}", self.base)).header("Content-Type", content_type);
        if let Some(key) = &self.key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        if let Some(lang) = self.lang {
            req = req.header("Accept-Language", lang);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let mut res = req.send(body).unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let body = res.body_mut().read_to_string().unwrap_or_default();
        ApiAnswer { status, headers, body }
    }
}

//! Calling the JSON API as an integration would: a key made as staff make
//! one (`service::api_keys::create`, or the key pages), then plain HTTP
//! with `Authorization: Bearer <key>`.

use redress::clock::Clock;
use redress::domain::api_key::Scope;
use redress::domain::staff::Role;
use redress::service::audit::Actor;
use ureq::http::StatusCode;

use super::app::TestApp;
use super::client::browser;

/// One answer of the API, read whole.
pub struct ApiAnswer {
    pub status: StatusCode,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl ApiAnswer {
    /// The body as JSON (it must be JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the answer is a problem of `status` and `slug`; returns it.
    pub fn problem(&self, status: StatusCode, slug: &str) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{}", self.body);
        let p = self.json();
        assert_eq!(p["type"], format!("/api/v1/problems/{slug}"), "{p}");
        assert_eq!(p["status"], status.as_u16(), "{p}");
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        p
    }
}

fn answer(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> ApiAnswer {
    let mut res = res.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.body_mut().read_to_string().unwrap_or_default();
    ApiAnswer { status, headers, body }
}

/// A client of the API with one key (or none).
pub struct ApiClient {
    pub base: String,
    pub key: Option<String>,
    pub lang: Option<&'static str>,
    agent: ureq::Agent,
}

impl ApiClient {
    pub fn new(app: &TestApp, key: Option<&str>) -> ApiClient {
        ApiClient { base: app.base.clone(), key: key.map(str::to_owned), lang: None, agent: browser() }
    }

    /// The same client asking for answers in `lang` (`Accept-Language`).
    pub fn lang(mut self, lang: &'static str) -> ApiClient {
        self.lang = Some(lang);
        self
    }

    fn with<B>(&self, mut req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        if let Some(key) = &self.key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        if let Some(lang) = self.lang {
            req = req.header("Accept-Language", lang);
        }
        req
    }

    pub fn get(&self, path: &str) -> ApiAnswer {
        answer(self.with(self.agent.get(format!("{}{path}", self.base))).call())
    }

    /// `body` as `content_type` (JSON: `application/json`).
    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> ApiAnswer {
        let req = self.with(self.agent.post(format!("{}{path}", self.base))).header("Content-Type", content_type);
        answer(req.send(body))
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> ApiAnswer {
        self.post(path, "application/json", body.to_string().as_bytes())
    }
}

impl TestApp {
    /// A key for `scope` made by a new staff member of the right role;
    /// returns the whole key.
    pub fn api_key(&self, scope: Scope, name: &str) -> String {
        let email = match scope {
            Scope::Merchant(m) => self.staff(Role::Merchant, Some(m)),
            Scope::Platform => self.staff(Role::Supervisor, None),
        };
        let mut conn = self.pool.get().unwrap();
        let user = redress::store::users::find_by_email(&mut conn, &email).unwrap().unwrap();
        let by = Actor { user_id: Some(user.id), email, address: "127.0.0.1".into() };
        let (_, key) = redress::service::api_keys::create(&mut conn, scope, name, &by, self.clock.now()).unwrap();
        key
    }

    /// A client of the API with a new key of `merchant`.
    pub fn merchant_api(&self, merchant: i64) -> ApiClient {
        ApiClient::new(self, Some(&self.api_key(Scope::Merchant(merchant), "客服系统")))
    }

    /// A client of the API with a new platform key.
    pub fn platform_api(&self) -> ApiClient {
        ApiClient::new(self, Some(&self.api_key(Scope::Platform, "平台订单页")))
    }
}

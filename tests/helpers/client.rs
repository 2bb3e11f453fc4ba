//! A browser: its own cookies, redirects shown rather than followed, and
//! the forms it sends with their CSRF token.

use ureq::Agent;
use ureq::http::{Response, StatusCode};

use super::html::csrf;

/// A client that behaves like a browser with redirects shown, not followed:
/// cookies kept, error statuses returned as responses.
pub fn browser() -> Agent {
    Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into()
}

/// One answer, read whole.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Page {
    /// The tracking page a filed complaint was sent to, without the
    /// `?done=filed` that opens it with the confirmation.
    pub fn tracking_path(&self) -> String {
        let location = self.location.as_deref().expect("a Location");
        location.strip_suffix("?done=filed").expect("to the tracking page, with the confirmation").to_owned()
    }
}

pub fn page(mut res: Response<ureq::Body>) -> Page {
    let status = res.status();
    let headers = res.headers().clone();
    let location = headers.get("location").map(|v| v.to_str().unwrap().to_owned());
    let body = res.body_mut().read_to_string().unwrap_or_default();
    Page { status, location, headers, body }
}

/// One browser: its own cookies (session, CSRF, language).
pub struct Client {
    pub base: String,
    pub agent: Agent,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Page {
        page(self.agent.get(self.url(path)).call().unwrap())
    }

    pub fn get_query(&self, path: &str, query: &[(&str, &str)]) -> Page {
        let mut req = self.agent.get(self.url(path));
        for (k, v) in query {
            req = req.query(k, v);
        }
        page(req.call().unwrap())
    }

    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        page(self.agent.post(self.url(path)).send_form(fields.iter().copied()).unwrap())
    }

    /// Posts `fields` with the CSRF token of the form at `form_path`.
    pub fn submit(&self, form_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(form_path);
        let token = csrf(&form.body);
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all)
    }

    /// Signs in through the form; returns the answer to the POST.
    pub fn sign_in(&self, email: &str, password: &str) -> Page {
        self.submit("/login", "/login", &[("email", email), ("password", password)])
    }
}

//! The edges of the web layer: the language link of an error page stays on
//! this site, https deployments mark their cookies Secure and send HSTS.

use scraper::{Html, Selector};

use crate::helpers::*;
use crate::raw;

/// Where the page's language link leads, resolved as a browser would.
fn switch_target(base: &str, html: &str) -> url::Url {
    let doc = Html::parse_document(html);
    let link = doc.select(&Selector::parse("a.lang-switch").unwrap()).next().expect("a language link");
    let href = link.value().attr("href").unwrap();
    url::Url::parse(&format!("{base}/some/page")).unwrap().join(href).unwrap()
}

#[test]
fn the_language_link_of_a_404_page_never_leaves_the_site() {
    let app = spawn_app();
    let ours = url::Url::parse(&app.base).unwrap();
    for target in ["//evil.example/x", "/\\evil.example", "/%2F%2Fevil.example", "/%5Cevil", "/\\/evil.example/"] {
        let answer = raw::send(&app.base, "GET", target, "");
        assert_eq!(answer.status, 404, "{target}: {}", answer.head);
        assert!(answer.header("content-type").is_some_and(|t| t.starts_with("text/html")), "our error page");
        let to = switch_target(&app.base, &answer.body);
        assert_eq!((to.host_str(), to.port()), (ours.host_str(), ours.port()), "{target} links to {to}");
        assert_eq!(to.path(), "/", "{target}: falls back to the home page");
        assert_eq!(to.query(), Some("lang=en"));
    }
    // A page of ours keeps its path and its query.
    let html = app.get("/merchants?q=abc").body;
    let to = switch_target(&app.base, &html);
    assert_eq!((to.host_str(), to.path(), to.query()), (ours.host_str(), "/merchants", Some("q=abc&lang=en")));
}

/// The `Set-Cookie` line that sets `name`.
fn set_cookie<'a>(page: &'a Page, name: &str) -> &'a str {
    page.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} is set"))
}

fn is_secure(cookie: &str) -> bool {
    cookie.split(';').any(|a| a.trim().eq_ignore_ascii_case("secure"))
}

#[test]
fn over_https_the_csrf_cookie_is_secure_and_every_answer_carries_hsts() {
    let app = spawn_app_with(|c| c.public_url = Some("https://redress.example.cn".into()));
    let form = app.client().get("/login");
    assert!(is_secure(set_cookie(&form, "redress_csrf")), "{:?}", form.headers);
    for page in [form, app.client().get("/healthz"), app.client().get("/no/such/page")] {
        let hsts = page.headers.get("strict-transport-security").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(hsts.as_deref(), Some("max-age=31536000; includeSubDomains"), "{}", page.status);
    }
}

#[test]
fn over_plain_http_neither_secure_cookies_nor_hsts() {
    let app = spawn_app();
    let form = app.client().get("/login");
    assert!(!is_secure(set_cookie(&form, "redress_csrf")), "a Secure cookie would never come back over http");
    assert!(form.headers.get("strict-transport-security").is_none());
    assert!(app.client().get("/healthz").headers.get("strict-transport-security").is_none());
}

//! What every page needs (language, language-switch links) and rendering a
//! template into a response through our own error type.

use std::future::{Ready, ready};

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, dev::Payload};
use askama::Template;

use super::session::Staff;
use crate::domain::deadline::DeadlinePolicy;
use crate::domain::staff::Role;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};

/// The signed-in staff member, for the header.
pub struct StaffBar {
    pub email: String,
    pub home: &'static str,
    /// For the sign-out form.
    pub csrf: String,
}

/// A link of the header's navigation.
pub struct NavLink {
    pub href: String,
    pub label: &'static str,
    /// The page shown is this link's (or under it).
    pub current: bool,
}

/// The per-request context every template gets as `ctx`.
pub struct PageCtx {
    pub t: Tr,
    pub staff: Option<StaffBar>,
    pub lang: Lang,
    /// This page in the other language (`?lang=` replaced).
    pub switch_href: String,
    pub switch_label: &'static str,
    /// Whose part of the site this is: `consumer`, `merchant` or
    /// `supervisor`; the header says so and is coloured by it.
    pub audience: &'static str,
    /// The header's links for that audience.
    pub nav: Vec<NavLink>,
    /// The server's time (RFC 3339), from which the page's script counts
    /// deadlines down, whatever the reader's own clock says.
    pub now: String,
    /// The footer's words, for this audience: what this part of the site
    /// is and what its reader owes the consumer's data.
    pub footer: String,
    /// How to get help (`REDRESS_HELP`), in every footer.
    pub help: String,
}

impl PageCtx {
    pub fn new(req: &HttpRequest) -> PageCtx {
        let lang = req.extensions().get::<Lang>().copied().unwrap_or(Lang::ZhCn);
        let other = if lang == Lang::En { Lang::ZhCn } else { Lang::En };
        let kept: Vec<&str> =
            req.query_string().split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).collect();
        let mut query = kept.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        let signed_in = Staff::current(req);
        let staff = signed_in.as_ref().map(|s| StaffBar {
            home: s.home(),
            email: s.email.clone(),
            csrf: super::csrf::token(req),
        });
        let t = lang.tr();
        let audience = match signed_in.as_ref().map(|s| s.role) {
            Some(Role::Merchant) => "merchant",
            Some(Role::Supervisor) => "supervisor",
            None => "consumer",
        };
        type Link = (String, &'static str, &'static [&'static str]);
        let links: Vec<Link> = match signed_in {
            Some(Staff { role: Role::Merchant, merchant_id, .. }) => vec![
                ("/merchant".into(), "dashboard.title", &["/merchant/complaints"]),
                (
                    "/merchant/rooms".into(),
                    "live.nav",
                    &["/merchant/rooms/", "/merchant/hosts", "/merchant/products", "/merchant/sessions"],
                ),
                ("/merchant/templates".into(), "quick_reply.nav", &[]),
                ("/merchant/webhooks".into(), "webhook.nav", &["/merchant/webhooks/"]),
                ("/merchant/api-keys".into(), "api_keys.nav", &[]),
                ("/merchant/actions".into(), "merchant_admin.actions", &[]),
                ("/merchant/deposit".into(), "deposit.title", &[]),
                (format!("/merchants/{}", merchant_id.unwrap_or_default()), "merchant_admin.public", &[]),
            ],
            Some(Staff { role: Role::Supervisor, .. }) => vec![
                ("/supervisor".into(), "queue.title", &["/supervisor/complaints"]),
                ("/supervisor/overview".into(), "overview.title", &[]),
                ("/supervisor/flags".into(), "flags.title", &[]),
                ("/supervisor/incidents".into(), "incident.title", &["/supervisor/incidents/"]),
                ("/supervisor/inspections".into(), "inspection.title", &["/supervisor/inspections/"]),
                ("/supervisor/reports".into(), "report.supervisor_title", &["/supervisor/reports/"]),
                (
                    "/supervisor/products".into(),
                    "product_review.title",
                    &["/supervisor/products/", "/supervisor/rooms/", "/supervisor/hosts/"],
                ),
                ("/supervisor/rules".into(), "rules.title", &["/supervisor/rules/"]),
                ("/supervisor/violations".into(), "violation.title", &[]),
                ("/supervisor/merchants".into(), "merchants.title", &["/supervisor/merchants/"]),
                ("/supervisor/deposits".into(), "deposit.requirements_nav", &[]),
                ("/supervisor/mail".into(), "mail_admin.title", &[]),
                ("/supervisor/audit".into(), "audit.title", &[]),
                ("/supervisor/api-keys".into(), "api_keys.nav", &[]),
            ],
            None => vec![
                ("/complaints/new".into(), "nav.file", &["/complaints"]),
                ("/track".into(), "nav.track", &["/t/"]),
                ("/report".into(), "nav.report", &["/report/"]),
                ("/merchants".into(), "merchants.title", &["/merchants/"]),
                ("/cases".into(), "published.nav", &["/cases/"]),
            ],
        };
        let path = req.path();
        let nav = links
            .into_iter()
            .map(|(href, key, under)| NavLink {
                current: path == href || under.iter().any(|u| path.starts_with(u)),
                href,
                label: t.get(key),
            })
            .collect();
        let state = req.app_data::<actix_web::web::Data<super::AppState>>();
        let now = state.map(|s| s.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default();
        let policy = state.map(|s| s.config.policy).unwrap_or_default();
        let help = state.map(|s| s.config.help.line(lang)).unwrap_or_else(|| t.get("help.line").to_owned());
        PageCtx {
            t,
            staff,
            lang,
            switch_href: format!("{}?{query}lang={}", local_path(path), other.code()),
            switch_label: if other == Lang::En { "English" } else { "中文" },
            footer: footer(&t, audience, &policy),
            audience,
            nav,
            now,
            help,
        }
    }

    /// The header's name for this part of the site.
    pub fn audience_label(&self) -> &'static str {
        self.t.get(match self.audience {
            "merchant" => "audience.merchant",
            "supervisor" => "audience.supervisor",
            _ => "audience.consumer",
        })
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// The footer's words for `audience`, with the deadlines the deployment
/// keeps.
fn footer(t: &Tr, audience: &str, policy: &DeadlinePolicy) -> String {
    let key = match audience {
        "merchant" => "footer.merchant",
        "supervisor" => "footer.supervisor",
        _ => "footer.consumer",
    };
    t.fmt(key, &[("response", &span(t, policy.response)), ("resolution", &span(t, policy.resolution))])
}

/// A deadline's length as the rules say it: in hours up to three days
/// ("48 小时", "72 小时"), in whole days beyond ("7 天").
pub fn span(t: &Tr, d: chrono::Duration) -> String {
    match d.num_hours() {
        1 => t.get("span.hour").to_owned(),
        h if h > 72 && h % 24 == 0 => t.fmt("span.days", &[("n", &(h / 24))]),
        h => t.fmt("span.hours", &[("n", &h)]),
    }
}

/// `path` when it can only be read as a path of this site, else `/`.
/// The path is the client's: `//evil.example/x` or `/\evil.example` in a
/// link is another site to a browser (which reads `\` as `/`), and a 404
/// page repeats whatever was asked for. Our own paths are plain ASCII
/// (ids, references, tokens), so anything else falls back to the home
/// page: no percent escapes, backslashes, colons or a second slash first.
fn local_path(path: &str) -> &str {
    let plain = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b));
    let mut chars = path.chars();
    let rooted = chars.next() == Some('/') && chars.next() != Some('/');
    if plain && rooted { path } else { "/" }
}

impl FromRequest for PageCtx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageCtx::new(req)))
    }
}

/// Renders `page` with `status`; a render failure is our 500 page, never
/// a bare one.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let html = page.render().map_err(AppError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(html))
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub title: String,
    pub message: String,
    /// The request's id, for a report to the platform (500 and 503 only).
    pub reference: Option<String>,
}

impl ErrorPage {
    pub fn new(ctx: PageCtx, status: StatusCode, id: Option<&str>) -> ErrorPage {
        let code = status.as_u16();
        let known = [400, 403, 404, 405, 408, 413, 422, 429, 503];
        let key = if known.contains(&code) { code } else { 500 };
        ErrorPage {
            status: code,
            title: ctx.t.get(&format!("errorpage.{key}.title")).to_owned(),
            message: ctx.t.get(&format!("errorpage.{key}.message")).to_owned(),
            reference: id.filter(|_| key == 500 || key == 503).map(str::to_owned),
            ctx,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ErrorPage, PageCtx, local_path, span};
    use actix_web::HttpMessage;
    use actix_web::http::StatusCode;

    /// The keys of the error page are built from the status: every error
    /// status finds its words (or the 500's) in both languages.
    #[test]
    fn every_error_status_has_its_words() {
        for lang in crate::i18n::Lang::ALL {
            let req = actix_web::test::TestRequest::default().to_http_request();
            req.extensions_mut().insert(lang);
            for code in 400..=599 {
                let page = ErrorPage::new(PageCtx::new(&req), StatusCode::from_u16(code).unwrap(), None);
                for words in [&page.title, &page.message] {
                    assert!(
                        !words.is_empty() && !words.starts_with("errorpage."),
                        "{code} in {}: {words}",
                        lang.code()
                    );
                }
            }
        }
    }

    #[test]
    fn deadlines_are_said_in_hours_up_to_three_days_and_in_days_beyond() {
        let (zh, en) = (crate::i18n::Lang::ZhCn.tr(), crate::i18n::Lang::En.tr());
        let hours = chrono::Duration::hours;
        assert_eq!(span(&zh, hours(48)), "48 小时");
        assert_eq!(span(&zh, hours(72)), "72 小时");
        assert_eq!(span(&zh, hours(168)), "7 天");
        assert_eq!(span(&zh, hours(100)), "100 小时");
        assert_eq!(span(&en, hours(1)), "1 hour");
        assert_eq!(span(&en, hours(240)), "10 days");
    }

    #[test]
    fn only_plain_local_paths_are_linked_again() {
        assert_eq!(local_path("/merchants/12"), "/merchants/12");
        assert_eq!(local_path("/"), "/");
        assert_eq!(local_path("/t/AbC-12_x"), "/t/AbC-12_x");
        for bad in ["//evil.example/x", "/\\evil.example", "/%2F%2Fevil.example", "/%5Cevil", "", "evil", "/a:b"] {
            assert_eq!(local_path(bad), "/", "{bad}");
        }
    }
}

//! What every page needs (language, language-switch links) and rendering a
//! template into a response through our own error type.

use std::future::{Ready, ready};

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, dev::Payload};
use askama::Template;

use actix_session::SessionExt;

use super::session::Staff;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};

/// The signed-in staff member, for the header.
pub struct StaffBar {
    pub email: String,
    pub home: &'static str,
    /// For the sign-out form.
    pub csrf: String,
}

/// The per-request context every template gets as `ctx`.
pub struct PageCtx {
    pub t: Tr,
    pub staff: Option<StaffBar>,
    pub lang: Lang,
    /// This page in the other language (`?lang=` replaced).
    pub switch_href: String,
    pub switch_label: &'static str,
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
        let staff = Staff::from_session(&req.get_session()).map(|s| StaffBar {
            home: s.home(),
            email: s.email,
            csrf: super::csrf::token(req),
        });
        PageCtx {
            t: lang.tr(),
            staff,
            lang,
            switch_href: format!("{}?{query}lang={}", req.path(), other.code()),
            switch_label: if other == Lang::En { "English" } else { "中文" },
        }
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
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
        let known = [400, 403, 404, 405, 413, 422, 429, 503];
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

//! The pages of two-step sign-in, rendered the same way from every step.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use crate::domain::totp;
use crate::error::AppError;
use crate::web::csrf;
use crate::web::page::{PageCtx, render};
use crate::web::view::FieldView;

#[derive(Template)]
#[template(path = "two_factor/code.html")]
struct CodePage {
    ctx: PageCtx,
    code: FieldView,
    notice: Option<String>,
    /// The sign-in is over: no form, a link to start again.
    ended: bool,
    again: String,
    csrf: String,
}

#[derive(Template)]
#[template(path = "two_factor/enrol.html")]
struct EnrolPage {
    ctx: PageCtx,
    code: FieldView,
    password: Option<FieldView>,
    notice: Option<String>,
    required: bool,
    qr_svg: String,
    manual_key: String,
    action: &'static str,
    csrf: String,
}

#[derive(Template)]
#[template(path = "two_factor/recovery.html")]
struct RecoveryPage {
    ctx: PageCtx,
    codes: Vec<String>,
    next: String,
}

#[derive(Template)]
#[template(path = "two_factor/account.html")]
struct AccountPage {
    ctx: PageCtx,
    recovery_left: String,
}

fn code_field(ctx: &PageCtx, typed: &str, error: Option<String>) -> FieldView {
    FieldView::new(&ctx.t, "two_factor.code", typed, error)
}

/// At enrolment only the app's code will do.
fn new_code_field(ctx: &PageCtx, typed: &str, error: Option<String>) -> FieldView {
    FieldView::new(&ctx.t, "two_factor_enrol.code", typed, error)
}

/// The code form, with what was typed and what was wrong with it.
pub fn code(
    req: &HttpRequest,
    status: StatusCode,
    typed: &str,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let page = CodePage {
        code: code_field(&ctx, typed, error),
        notice: None,
        ended: false,
        again: String::new(),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The sign-in is over (too many wrong codes, too slow, reset): why, and a
/// way to start again that keeps where the user was going.
pub fn ended(req: &HttpRequest, status: StatusCode, notice: String, to: &str) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let page = CodePage {
        code: code_field(&ctx, "", None),
        notice: Some(notice),
        ended: true,
        again: format!("/login?next={}", crate::error::encode_component(to)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// What an enrolment page shows for one new secret.
pub struct Enrol<'a> {
    pub email: &'a str,
    pub secret: &'a [u8],
    pub required: bool,
    pub action: &'static str,
    /// From the account page: the password is asked again (a session
    /// alone must not bind a phone to the account), with what was wrong.
    pub reauth: Option<Option<String>>,
}

pub fn enrol(
    req: &HttpRequest,
    status: StatusCode,
    what: &Enrol<'_>,
    typed: &str,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let page = EnrolPage {
        code: new_code_field(&ctx, typed, error),
        password: what.reauth.clone().map(|e| FieldView::new(&ctx.t, "two_factor_enrol.password", "", e)),
        notice: None,
        required: what.required,
        qr_svg: qr_svg(&totp::otpauth_uri(what.secret, what.email))?,
        manual_key: totp::grouped(&totp::base32(what.secret)),
        action: what.action,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The recovery codes, shown this once, then on to `next`.
pub fn recovery(req: &HttpRequest, codes: Vec<String>, next: &str) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &RecoveryPage { ctx: PageCtx::new(req), codes, next: next.to_owned() })
}

pub fn account(req: &HttpRequest, recovery_left: i64) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let recovery_left = ctx.t.fmt("two_factor.recovery_left", &[("n", &recovery_left)]);
    render(StatusCode::OK, &AccountPage { ctx, recovery_left })
}

/// The QR code of `uri` as inline SVG, drawn here (no image leaves the
/// server, no script draws it).
fn qr_svg(uri: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(AppError::internal)?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    // Inline in HTML: no XML declaration.
    Ok(svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_owned()))
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    /// The code field's label and hint are looked up by built keys.
    #[test]
    fn the_code_fields_keys_exist_in_every_language() {
        for lang in Lang::ALL {
            for key in
                ["two_factor.code", "two_factor.code_hint", "two_factor_enrol.code", "two_factor_enrol.code_hint"]
            {
                assert_ne!(lang.tr().get(key), key, "{key} in {}", lang.code());
            }
        }
    }

    #[test]
    fn the_qr_code_is_inline_svg() {
        let svg = super::qr_svg("otpauth://totp/Redress:a%40b.cn?secret=ABCD&issuer=Redress").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
    }
}

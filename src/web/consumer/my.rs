//! `/my`: every complaint filed with a phone number, once the number is
//! proved by a six-digit code sent to it (as 12315 does). The proof is
//! kept for [`PROOF`] in a signed, HttpOnly, SameSite=Strict cookie scoped
//! to `/my`, naming the code's row: the server checks the row was used at
//! `/my` less than [`PROOF`] ago, so neither a copied cookie nor a changed
//! one outlives it.

use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::complaint::Invalid;
use crate::domain::contact::Phone;
use crate::domain::verification::{Code, PROOF, Purpose};
use crate::error::AppError;
use crate::service::verification::{self, Ask, CodeKey};
use crate::web::form::{CsrfForm, Forged, Posted};
use crate::web::page::{PageCtx, render};
use crate::web::refusal::{self, Refusal, Refuse};
use crate::web::view::{self, FieldView, TimeView};
use crate::web::{AppState, csrf};

/// The proof's cookie.
const COOKIE: &str = "redress_my";

/// One complaint in the list.
struct Row {
    reference: String,
    href: String,
    merchant: String,
    state: &'static str,
    state_label: String,
    filed: TimeView,
    verified: bool,
}

#[derive(Template)]
#[template(path = "consumer/my.html")]
struct MyPage {
    ctx: PageCtx,
    csrf: String,
    /// Which step: the number, the code, or the list.
    step: Step,
    phone: FieldView,
    code: FieldView,
    /// "Code sent to 138****8000".
    sent: Option<String>,
    /// A refusal about neither field (too many codes).
    notice: Option<String>,
    /// "Complaints filed with 138****8000".
    list_title: String,
    rows: Vec<Row>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Phone,
    Code,
    List,
}

impl MyPage {
    fn new(req: &HttpRequest, step: Step, phone: &str) -> MyPage {
        let ctx = PageCtx::new(req);
        let t = ctx.t;
        MyPage {
            csrf: csrf::token(req),
            step,
            phone: FieldView::new(&t, "my.phone", phone, None),
            code: FieldView::new(&t, "my.code", "", None),
            sent: None,
            notice: None,
            list_title: String::new(),
            rows: Vec::new(),
            ctx,
        }
    }

    /// `refusal`'s message next to its field, or as the page's notice.
    fn refuse(mut self, refusal: Refusal) -> Result<HttpResponse, AppError> {
        let said = Some(refusal.message(&self.ctx.t));
        match refusal.field {
            Some("phone") => self.phone.error = said,
            Some("code") => self.code.error = said,
            _ => self.notice = said,
        }
        render(refusal.status, &self)
    }
}

fn key(state: &AppState) -> CodeKey {
    CodeKey::derive(state.session_key.master())
}

/// The code row a valid proof cookie names.
fn proof_id(state: &AppState, req: &HttpRequest) -> Option<i64> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie(COOKIE)?);
    jar.signed(&state.session_key).get(COOKIE)?.value().parse().ok()
}

#[get("/my")]
pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let Some(id) = proof_id(&state, &req) else { return render(StatusCode::OK, &MyPage::new(&req, Step::Phone, "")) };
    let now = state.clock.now();
    let found = state
        .db(move |conn| {
            let Some(phone) = verification::proof(conn, id, now)? else { return Ok(None) };
            let rows = verification::complaints_of(conn, &phone)?;
            Ok(Some((phone, rows)))
        })
        .await?;
    let Some((phone, rows)) = found else { return render(StatusCode::OK, &MyPage::new(&req, Step::Phone, "")) };
    let mut page = MyPage::new(&req, Step::List, "");
    let (t, tz) = (page.ctx.t, state.config.tz);
    page.list_title = t.fmt("my.list_title", &[("phone", &Phone::masked(phone.as_str()))]);
    page.rows = rows
        .into_iter()
        .map(|r| Row {
            href: format!("/t/{}", r.token),
            reference: r.reference,
            merchant: r.merchant,
            state: r.state.slug(),
            state_label: t.get(r.state.key()).to_owned(),
            filed: view::time(&t, tz, crate::store::from_db(r.submitted_at)),
            verified: r.verified,
        })
        .collect();
    render(StatusCode::OK, &page)
}

/// `POST /my/code`: the number to send a code to.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PhoneFields {
    phone: String,
}

#[post("/my/code")]
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<PhoneFields>,
) -> Result<HttpResponse, AppError> {
    let (forged, PhoneFields { phone: typed }) = match form.checked() {
        Ok(Posted { fields, .. }) => (false, fields),
        Err(Forged(Posted { fields, .. })) => (true, fields),
    };
    let page = MyPage::new(&req, Step::Phone, typed.trim());
    if forged {
        return page.refuse(Refusal { key: "error.csrf", ..Refusal::FORGED });
    }
    let Some(phone) = Phone::parse(&typed) else { return page.refuse(bad_phone(&typed)) };
    let (address, lang, now) = (state.limiter.client(&req).to_string(), page.ctx.t.lang(), state.clock.now());
    let (key, number) = (key(&state), phone.clone());
    let sent = state
        .db(move |conn| {
            let ask = Ask { phone: &number, purpose: Purpose::My, address: &address, lang };
            verification::send(conn, &key, &ask, now).map(|_| Ok(())).or_else(|e| refusal::busy(e).map(Err))
        })
        .await?;
    if let Err((refusal, wait)) = sent {
        let mut res = page.refuse(refusal)?;
        crate::web::limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    let mut page = MyPage { step: Step::Code, ..page };
    page.phone.value = phone.as_str().to_owned();
    page.sent = Some(page.ctx.t.fmt("my.sent", &[("phone", &Phone::masked(phone.as_str()))]));
    render(StatusCode::OK, &page)
}

/// `POST /my`: the number and the code sent to it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProveFields {
    phone: String,
    code: String,
}

#[post("/my")]
pub async fn prove(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<ProveFields>,
) -> Result<HttpResponse, AppError> {
    let (forged, ProveFields { phone: typed, code }) = match form.checked() {
        Ok(Posted { fields, .. }) => (false, fields),
        Err(Forged(Posted { fields, .. })) => (true, fields),
    };
    let mut page = MyPage::new(&req, Step::Code, typed.trim());
    page.code.value = code.trim().to_owned();
    if forged {
        return page.refuse(Refusal { key: "error.csrf", ..Refusal::FORGED });
    }
    let Some(phone) = Phone::parse(&typed) else {
        return MyPage { step: Step::Phone, ..page }.refuse(bad_phone(&typed));
    };
    let Some(code) = Code::parse(&code) else {
        return page.refuse(Refusal::unprocessable("verify.code_format").at("code"));
    };
    let (key, config, now) = (key(&state), state.config.clone(), state.clock.now());
    let proved = state
        .db(move |conn| {
            verification::prove(conn, &key, &config, &phone, &code, now).map(Ok).or_else(|e| e.refusal().map(Err))
        })
        .await?;
    match proved {
        Ok(proved) => Ok(proof_answer(&state, &req, proved.code_id)),
        Err(refusal) => page.refuse(refusal),
    }
}

/// Proved: the proof's cookie, and off to the list (a refresh shows it
/// again instead of sending the used code).
fn proof_answer(state: &AppState, req: &HttpRequest, code_id: i64) -> HttpResponse {
    let cookie = Cookie::build(COOKIE, code_id.to_string())
        .path("/my")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(crate::web::site::https(req))
        .max_age(actix_web::cookie::time::Duration::seconds(PROOF.num_seconds()))
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.session_key).add(cookie);
    let mut res = HttpResponse::SeeOther();
    res.insert_header(("Location", "/my"));
    for c in jar.delta() {
        res.cookie(c.clone());
    }
    res.finish()
}

/// An empty number or one that is not a mainland mobile number.
fn bad_phone(typed: &str) -> Refusal {
    let why = if typed.trim().is_empty() { Invalid::Required } else { Invalid::Phone };
    Refusal::invalid(why).at("phone")
}

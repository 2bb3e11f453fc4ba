//! `/merchant/templates`: the merchant's reply templates (quick replies),
//! each editable in place, and the form that adds one. A template is
//! loaded through the signed-in merchant, so another merchant's id is a
//! 404. A form sent with a mistake comes back (422, or 403 for a stale
//! token) with what was typed and the message next to its field.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::reply_template::{MAX_TEMPLATES, TemplateErrors, TemplateForm, TextProblem};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::reply_templates::{self as service, TemplateError};
use crate::store::reply_templates::{self as store, TemplateRow};
use crate::web::form::{CsrfForm, Forged};
use crate::web::page::{PageCtx, render};
use crate::web::path::TemplateId;
use crate::web::refusal::{Refusal, invalid};
use crate::web::session::MerchantStaff;
use crate::web::view::FieldView;
use crate::web::{AppState, csrf};

const PATH: &str = "/merchant/templates";

/// A template's two fields, as one of the page's forms shows them.
pub struct Editor {
    pub title: FieldView,
    pub text: FieldView,
}

impl Editor {
    /// The fields with `typed` in them and `errors` next to them; `id`
    /// keeps each form's fields apart on the page.
    fn new(t: &Tr, id: Option<i64>, typed: &TemplateForm, errors: &TemplateErrors) -> Editor {
        let suffix = id.map(|id| format!("-{id}")).unwrap_or_else(|| "-new".into());
        let text_error = errors.text.as_ref().map(|p| match p {
            TextProblem::Invalid(why) => invalid(t, *why),
            TextProblem::Unknown(names) => {
                let separator = if t.lang() == crate::i18n::Lang::En { ", " } else { "、" };
                t.fmt("quick_reply.unknown_placeholders", &[("names", &names.join(separator))])
            }
        });
        Editor {
            title: FieldView::new(t, "quick_reply.title", &typed.title, errors.title.map(|why| invalid(t, why)))
                .with_id(&format!("title{suffix}")),
            text: FieldView::new(t, "quick_reply.text", &typed.text, text_error).with_id(&format!("text{suffix}")),
        }
    }

    fn has_error(&self) -> bool {
        self.title.error.is_some() || self.text.error.is_some()
    }
}

pub struct TemplateLine {
    pub id: i64,
    pub title: String,
    pub editor: Editor,
    /// Shown open: the one whose form came back with a mistake.
    pub open: bool,
}

#[derive(Template)]
#[template(path = "merchant/templates.html")]
struct TemplatesPage {
    ctx: PageCtx,
    notice: Option<String>,
    notice_is_error: bool,
    rows: Vec<TemplateLine>,
    add: Editor,
    /// The merchant keeps as many as it may.
    full: bool,
    limit: String,
    csrf: String,
}

/// `?done=…` after a form that worked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

fn done_notice(t: &Tr, done: &str) -> Option<String> {
    let key = match done {
        "created" => "quick_reply.done_created",
        "saved" => "quick_reply.done_saved",
        "deleted" => "quick_reply.done_deleted",
        _ => return None,
    };
    Some(t.get(key).to_owned())
}

/// What came back to the page: which form (`None` the one that adds, or
/// a template's id), what was typed into it and what is wrong with it.
#[derive(Default)]
struct Back {
    form: Option<i64>,
    typed: TemplateForm,
    errors: TemplateErrors,
    notice: Option<(String, bool)>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    back: Back,
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(store::of_merchant(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let none = TemplateErrors::default();
    let line = |r: &TemplateRow| {
        let sent = back.form == Some(r.id);
        let stored = TemplateForm { title: r.title.clone(), text: r.body.clone() };
        let (typed, errors) = if sent { (&back.typed, &back.errors) } else { (&stored, &none) };
        let editor = Editor::new(&t, Some(r.id), typed, errors);
        TemplateLine { id: r.id, title: r.title.clone(), open: sent && editor.has_error(), editor }
    };
    let (adding, blank) = (back.form.is_none(), TemplateForm::default());
    let page = TemplatesPage {
        notice: back.notice.as_ref().map(|(n, _)| n.clone()),
        notice_is_error: back.notice.as_ref().is_some_and(|(_, e)| *e),
        rows: rows.iter().map(line).collect(),
        add: Editor::new(
            &t,
            None,
            if adding { &back.typed } else { &blank },
            if adding { &back.errors } else { &none },
        ),
        full: rows.len() as i64 >= MAX_TEMPLATES,
        limit: t.fmt("quick_reply.limit", &[("n", &MAX_TEMPLATES)]),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

fn back_to(done: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("{PATH}?done={done}"))).finish()
}

/// The form's fields, or the page again (403) with them kept.
fn fields(form: CsrfForm<TemplateForm>, t: &Tr) -> Result<TemplateForm, (TemplateForm, (String, bool))> {
    match form.checked() {
        Ok(posted) => Ok(posted.fields),
        Err(Forged(posted)) => Err((posted.fields, (Refusal::FORGED.message(t), true))),
    }
}

#[get("/merchant/templates")]
pub async fn list(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let notice = done_notice(&PageCtx::new(&req).t, &done.done).map(|n| (n, false));
    page(&state, &req, &who, StatusCode::OK, Back { notice, ..Back::default() }).await
}

#[post("/merchant/templates")]
pub async fn create(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<TemplateForm>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let typed = match fields(form, &t) {
        Ok(typed) => typed,
        Err((typed, notice)) => {
            let back = Back { typed, notice: Some(notice), ..Back::default() };
            return page(&state, &req, &who, StatusCode::FORBIDDEN, back).await;
        }
    };
    let valid = match typed.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            return page(
                &state,
                &req,
                &who,
                StatusCode::UNPROCESSABLE_ENTITY,
                Back { typed, errors, ..Back::default() },
            )
            .await;
        }
    };
    let (m, by, clock) = (who.merchant_id, who.staff.user_id, state.clock.clone());
    match state.db(move |conn| Ok(service::create(conn, m, by, &valid, clock.now()))).await? {
        Ok(_) => Ok(back_to("created")),
        Err(TemplateError::TooMany) => {
            let notice = Some((t.fmt("quick_reply.too_many", &[("n", &MAX_TEMPLATES)]), true));
            page(&state, &req, &who, StatusCode::UNPROCESSABLE_ENTITY, Back { typed, notice, ..Back::default() }).await
        }
        Err(TemplateError::NotFound) => Err(AppError::NotFound),
        Err(TemplateError::Db(e)) => Err(e.into()),
    }
}

#[post("/merchant/templates/{id}")]
pub async fn update(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<TemplateId>,
    form: CsrfForm<TemplateForm>,
) -> Result<HttpResponse, AppError> {
    let (m, id) = (who.merchant_id, id.into_inner().0);
    // Another merchant's template is not found, whatever the form says.
    state.db(move |conn| Ok(store::find(conn, m, id)?)).await?.ok_or(AppError::NotFound)?;
    let t = PageCtx::new(&req).t;
    let typed = match fields(form, &t) {
        Ok(typed) => typed,
        Err((typed, notice)) => {
            let back = Back { form: Some(id), typed, notice: Some(notice), ..Back::default() };
            return page(&state, &req, &who, StatusCode::FORBIDDEN, back).await;
        }
    };
    let valid = match typed.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            let back = Back { form: Some(id), typed, errors, ..Back::default() };
            return page(&state, &req, &who, StatusCode::UNPROCESSABLE_ENTITY, back).await;
        }
    };
    let clock = state.clock.clone();
    match state.db(move |conn| Ok(service::update(conn, m, id, &valid, clock.now()))).await? {
        Ok(()) => Ok(back_to("saved")),
        Err(TemplateError::NotFound) => Err(AppError::NotFound),
        Err(TemplateError::Db(e)) => Err(e.into()),
        Err(e @ TemplateError::TooMany) => Err(AppError::internal(e)),
    }
}

/// The delete button's form: its token and nothing else.
#[derive(Deserialize, Default)]
pub struct Nothing {}

#[post("/merchant/templates/{id}/delete")]
pub async fn delete(
    who: MerchantStaff,
    state: web::Data<AppState>,
    id: web::Path<TemplateId>,
    form: CsrfForm<Nothing>,
) -> Result<HttpResponse, AppError> {
    let (m, id) = (who.merchant_id, id.into_inner().0);
    state.db(move |conn| Ok(store::find(conn, m, id)?)).await?.ok_or(AppError::NotFound)?;
    form.or_forbidden()?;
    match state.db(move |conn| Ok(service::delete(conn, m, id))).await? {
        Ok(()) => Ok(back_to("deleted")),
        Err(TemplateError::NotFound) => Err(AppError::NotFound),
        Err(TemplateError::Db(e)) => Err(e.into()),
        Err(e @ TemplateError::TooMany) => Err(AppError::internal(e)),
    }
}

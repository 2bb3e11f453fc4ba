//! Supervisors onboard merchants: the list, and the onboarding form.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::merchant::{MerchantForm, SoldCategory};
use crate::error::AppError;
use crate::service::audit::audited;
use crate::service::merchants::{AddMerchantError, add};
use crate::store::merchants::{self, Merchant};
use crate::web::consumer::Choice;
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view::FieldView;
use crate::web::{AppState, csrf, form};

#[derive(Template)]
#[template(path = "supervisor/merchants.html")]
struct ListPage {
    ctx: PageCtx,
    q: String,
    rows: Vec<Merchant>,
}

#[get("/supervisor/merchants")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let q = query.get("q").map(|s| s.trim().to_owned()).unwrap_or_default();
    let search = q.clone();
    let rows = state.db(move |conn| Ok(merchants::search(conn, &search, 0, 200)?)).await?;
    render(StatusCode::OK, &ListPage { ctx: PageCtx::new(&req), q, rows })
}

#[derive(Template)]
#[template(path = "supervisor/onboard.html")]
struct OnboardPage {
    ctx: PageCtx,
    name: FieldView,
    credit_code: FieldView,
    email: FieldView,
    shop_url: FieldView,
    categories: FieldView,
    sold: Vec<Choice>,
    qualification: FieldView,
    csrf: String,
}

fn onboard_page(
    req: &HttpRequest,
    status: StatusCode,
    typed: &MerchantForm,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let error = |field: Field| errors.get(field).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
    let page = OnboardPage {
        name: FieldView::new(&t, "onboard.name", &typed.name, error(Field::Name)),
        credit_code: FieldView::new(&t, "onboard.credit_code", &typed.credit_code, error(Field::CreditCode)),
        email: FieldView::new(&t, "onboard.email", &typed.email, error(Field::Email)),
        shop_url: FieldView::new(&t, "onboard.shop_url", &typed.shop_url, error(Field::ShopUrl)),
        categories: FieldView::new(&t, "onboard.categories", "", error(Field::Categories)),
        sold: SoldCategory::ALL
            .iter()
            .map(|c| Choice {
                value: c.slug().into(),
                label: t.get(c.key()).into(),
                selected: typed.categories.iter().any(|v| v == c.slug()),
            })
            .collect(),
        qualification: FieldView::new(&t, "onboard.qualification", &typed.qualification, error(Field::Qualification)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/supervisor/merchants/new")]
pub async fn new_form(req: HttpRequest, _who: Supervisor) -> Result<HttpResponse, AppError> {
    onboard_page(&req, StatusCode::OK, &MerchantForm::default(), &FieldErrors::default())
}

#[post("/supervisor/merchants")]
pub async fn create(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fields = form::read_multi(&req, body).await?;
    let typed = MerchantForm {
        name: fields.first("name"),
        credit_code: fields.first("credit_code"),
        email: fields.first("email"),
        shop_url: fields.first("shop_url"),
        categories: fields.all("categories"),
        qualification: fields.first("qualification"),
    };
    if !csrf::verify(&req, &fields.first(csrf::FIELD)) {
        return Err(AppError::Forbidden);
    }
    let valid = match typed.validate(true) {
        Ok(v) => v,
        Err(errors) => return onboard_page(&req, StatusCode::UNPROCESSABLE_ENTITY, &typed, &errors),
    };
    let (clock, actor) = (state.clock.clone(), state.actor(&req, &who.0));
    let name = typed.name.trim().to_owned();
    let onboarded = state.db(move |conn| {
        let (kind, now) = (crate::domain::audit::AuditKind::MerchantOnboarded, clock.now());
        Ok(audited(conn, &actor, (kind, &name), now, |conn| add(conn, &valid, now), |id| format!("merchant {id}")))
    });
    match onboarded.await? {
        Ok(id) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/merchants/{id}?done=onboarded")))
            .finish()),
        Err(AddMerchantError::Duplicate(_)) => {
            let mut errors = FieldErrors::default();
            errors.add(Field::CreditCode, Invalid::DuplicateCreditCode);
            onboard_page(&req, StatusCode::UNPROCESSABLE_ENTITY, &typed, &errors)
        }
        Err(AddMerchantError::Db(e)) => Err(e.into()),
    }
}

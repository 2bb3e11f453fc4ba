//! Supervisors onboard merchants: the list, and the onboarding form.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::merchant::{MerchantForm, SoldCategory, ValidMerchant};
use crate::error::AppError;
use crate::service::merchants::{AddMerchantError, add};
use crate::store::merchants::{self, Merchant};
use crate::web::consumer::Choice;
use crate::web::form::{self, CsrfListForm, Posted};
use crate::web::page::{PageCtx, render};
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::FieldView;
use crate::web::{AppState, csrf};

#[derive(Template)]
#[template(path = "supervisor/merchants.html")]
struct ListPage {
    ctx: PageCtx,
    q: String,
    /// Each merchant with its credit score.
    rows: Vec<(Merchant, i32)>,
}

/// `?q=…`: part of a merchant's name; none lists them all.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Search {
    q: String,
}

#[get("/supervisor/merchants")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<Search>,
) -> Result<HttpResponse, AppError> {
    let q = query.q.trim().to_owned();
    let search = q.clone();
    let now = state.clock.now();
    let rows = state
        .db(move |conn| {
            let rows = merchants::search(conn, &search, 0, 200)?;
            let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
            let since = crate::domain::violation::window_start(now);
            let points = crate::store::violations::counted_by_merchant(conn, &ids, since)?;
            let score = |m: &Merchant| crate::domain::violation::credit_score(points.get(&m.id).copied().unwrap_or(0));
            Ok(rows.into_iter().map(|m| (score(&m), m)).map(|(score, m)| (m, score)).collect::<Vec<_>>())
        })
        .await?;
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
    phone: FieldView,
    categories: FieldView,
    sold: Vec<Choice>,
    qualification: FieldView,
    csrf: String,
}

/// The form as typed, with the messages next to its fields: the domain's
/// `errors`, or the service's refusal about one field.
fn onboard_page(
    req: &HttpRequest,
    status: StatusCode,
    typed: &MerchantForm,
    (errors, refused): (&FieldErrors, Option<Refusal>),
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let error = |field: Field| {
        let error = errors.get(field).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
        error.or_else(|| refused.filter(|r| r.field == Some(field.slug())).map(|r| r.message(&t)))
    };
    let page = OnboardPage {
        name: FieldView::new(&t, "onboard.name", &typed.name, error(Field::Name)),
        credit_code: FieldView::new(&t, "onboard.credit_code", &typed.credit_code, error(Field::CreditCode)),
        email: FieldView::new(&t, "onboard.email", &typed.email, error(Field::Email)),
        shop_url: FieldView::new(&t, "onboard.shop_url", &typed.shop_url, error(Field::ShopUrl)),
        phone: FieldView::new(&t, "onboard.phone", &typed.phone, error(Field::Phone)),
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
    onboard_page(&req, StatusCode::OK, &MerchantForm::default(), (&FieldErrors::default(), None))
}

/// The onboarding form as sent: the categories are a checkbox group.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OnboardFields {
    name: String,
    credit_code: String,
    email: String,
    shop_url: String,
    phone: String,
    #[serde(deserialize_with = "form::list")]
    categories: Vec<String>,
    qualification: String,
}

impl From<OnboardFields> for MerchantForm {
    fn from(f: OnboardFields) -> MerchantForm {
        MerchantForm {
            name: f.name,
            credit_code: f.credit_code,
            email: f.email,
            shop_url: f.shop_url,
            phone: f.phone,
            categories: f.categories,
            qualification: f.qualification,
        }
    }
}

#[post("/supervisor/merchants")]
pub async fn create(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    form: CsrfListForm<OnboardFields>,
) -> Result<HttpResponse, AppError> {
    let Ok(Posted { fields, .. }) = form.checked() else {
        return Err(AppError::Forbidden);
    };
    let typed = MerchantForm::from(fields);
    let valid = match typed.validate(true) {
        Ok(v) => v,
        Err(errors) => return onboard_page(&req, StatusCode::UNPROCESSABLE_ENTITY, &typed, (&errors, None)),
    };
    match onboard(&state, &req, &who, valid, typed.name.trim().to_owned()).await? {
        Ok(id) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/supervisor/merchants/{id}?done=onboarded")))
            .finish()),
        Err(e) => {
            let refused = e.refusal()?;
            onboard_page(&req, refused.status, &typed, (&FieldErrors::default(), Some(refused)))
        }
    }
}

/// Stores the merchant, with its audit entry, in one transaction.
async fn onboard(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    valid: ValidMerchant,
    name: String,
) -> Result<Result<i64, AddMerchantError>, AppError> {
    let entry = (crate::domain::audit::AuditKind::MerchantOnboarded, name);
    with_audit(state, req, who, entry, move |conn, now| add(conn, &valid, now), |id| format!("merchant {id}")).await
}

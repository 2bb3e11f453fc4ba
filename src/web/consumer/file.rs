//! Filing a complaint: the form, and what happens when it is sent.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use super::Choice;
use crate::domain::category::{Category, Resolution};
use crate::domain::complaint::{ComplaintForm, Field, FieldErrors, Invalid};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::complaints::{Intake, SubmitError, file as file_complaint};
use crate::store::merchants::{self, MerchantChoice};
use crate::web::page::{PageCtx, render};
use crate::web::view::FieldView;
use crate::web::{AppState, csrf, form};

/// The complaint form's fields, named as the form's.
struct Fields {
    merchant: FieldView,
    order_ref: FieldView,
    category: FieldView,
    desired_resolution: FieldView,
    amount: FieldView,
    description: FieldView,
    consumer_name: FieldView,
    consumer_phone: FieldView,
    consumer_email: FieldView,
}

impl Fields {
    fn new(t: &Tr, form: &ComplaintForm, errors: &FieldErrors) -> Fields {
        let view = |field: Field, value: &str| {
            let error = errors.get(field).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
            FieldView::new(t, "form", field.slug(), value, error)
        };
        Fields {
            merchant: view(Field::Merchant, &form.merchant),
            order_ref: view(Field::OrderRef, &form.order_ref),
            category: view(Field::Category, &form.category),
            desired_resolution: view(Field::DesiredResolution, &form.desired_resolution),
            amount: view(Field::Amount, &form.amount),
            description: view(Field::Description, &form.description),
            consumer_name: view(Field::ConsumerName, &form.consumer_name),
            consumer_phone: view(Field::ConsumerPhone, &form.consumer_phone),
            consumer_email: view(Field::ConsumerEmail, &form.consumer_email),
        }
    }
}

#[derive(Template)]
#[template(path = "consumer/new.html")]
struct NewComplaintPage {
    ctx: PageCtx,
    f: Fields,
    has_errors: bool,
    /// A problem with the whole form (an expired page).
    notice: Option<String>,
    merchants: Vec<Choice>,
    categories: Vec<Choice>,
    resolutions: Vec<Choice>,
    csrf: String,
}

/// Renders the form with what was typed, its errors and `notice`.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    form: ComplaintForm,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let all = merchant_choices(state).await;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let choices = |slugs: &mut dyn Iterator<Item = &'static str>, prefix: &str, picked: &str| -> Vec<Choice> {
        slugs
            .map(|slug| Choice {
                value: slug.into(),
                label: t.get(&format!("{prefix}.{slug}")).into(),
                selected: slug == picked,
            })
            .collect()
    };
    let picked = form.merchant.trim();
    let mut merchants: Vec<Choice> = all
        .iter()
        .map(|m| Choice { selected: m.id.to_string() == picked, value: m.id.to_string(), label: m.name.clone() })
        .collect();
    // Whatever happens, the merchant the consumer chose stays chosen.
    if !picked.is_empty() && !merchants.iter().any(|c| c.selected) {
        merchants.push(Choice { value: picked.into(), label: picked.into(), selected: true });
    }
    let page = NewComplaintPage {
        merchants,
        categories: choices(&mut Category::ALL.iter().map(|c| c.slug()), "category", &form.category),
        resolutions: choices(&mut Resolution::ALL.iter().map(|r| r.slug()), "resolution", &form.desired_resolution),
        f: Fields::new(&t, &form, errors),
        has_errors: !errors.is_empty(),
        notice: notice.map(|key| t.get(key).to_owned()),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The merchants to offer: read afresh, or, when the database cannot be
/// reached, the list last read (the form must still be shown).
async fn merchant_choices(state: &AppState) -> std::sync::Arc<Vec<MerchantChoice>> {
    match state.db(|conn| Ok(merchants::choices(conn)?)).await {
        Ok(all) => {
            let all = std::sync::Arc::new(all);
            *state.merchant_choices.lock().unwrap_or_else(|p| p.into_inner()) = all.clone();
            all
        }
        Err(error) => {
            tracing::warn!(%error, "merchant list unavailable; offering the last one read");
            state.merchant_choices.lock().unwrap_or_else(|p| p.into_inner()).clone()
        }
    }
}

#[get("/complaints/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let form =
        ComplaintForm { merchant: query.get("merchant").cloned().unwrap_or_default(), ..ComplaintForm::default() };
    page(&state, &req, StatusCode::OK, form, &FieldErrors::default(), None).await
}

/// Someone who reloads or types the form's action lands on the form.
#[get("/complaints")]
pub async fn form_action() -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", "/complaints/new")).finish()
}

#[post("/complaints")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fields = form::read(&req, body).await?;
    let typed = ComplaintForm {
        merchant: fields.get(Field::Merchant.slug()),
        order_ref: fields.get(Field::OrderRef.slug()),
        category: fields.get(Field::Category.slug()),
        desired_resolution: fields.get(Field::DesiredResolution.slug()),
        amount: fields.get(Field::Amount.slug()),
        description: fields.get(Field::Description.slug()),
        consumer_name: fields.get(Field::ConsumerName.slug()),
        consumer_phone: fields.get(Field::ConsumerPhone.slug()),
        consumer_email: fields.get(Field::ConsumerEmail.slug()),
    };
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let notice = Some("error.csrf");
        return page(&state, &req, StatusCode::FORBIDDEN, typed, &FieldErrors::default(), notice).await;
    }
    let errors = match typed.validate() {
        Err(errors) => errors,
        Ok(complaint) => {
            let lang = PageCtx::new(&req).lang;
            let (clock, config) = (state.clock.clone(), state.config.clone());
            let filed = state
                .write(move |conn| {
                    let intake = Intake { config: &config, now: clock.now(), lang };
                    match file_complaint(conn, &intake, &complaint) {
                        Ok(filed) => Ok(Some(filed)),
                        Err(SubmitError::UnknownMerchant(_)) => Ok(None),
                        Err(SubmitError::Db(e)) => Err(e.into()),
                    }
                })
                .await;
            match filed {
                Ok(Some(filed)) => {
                    tracing::info!(reference = %filed.reference, "complaint filed");
                    let location = format!("/t/{}", filed.token);
                    return Ok(HttpResponse::SeeOther().insert_header(("Location", location)).finish());
                }
                Ok(None) => {
                    let mut errors = FieldErrors::default();
                    errors.add(Field::Merchant, Invalid::UnknownMerchant);
                    errors
                }
                // Nothing was stored: say so, keep every field, ask again.
                Err(AppError::Unavailable(cause)) => {
                    tracing::warn!(%cause, "complaint not filed: the database is unavailable");
                    let notice = Some("error.unavailable_kept");
                    let status = StatusCode::SERVICE_UNAVAILABLE;
                    let mut res = page(&state, &req, status, typed, &FieldErrors::default(), notice).await?;
                    res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
                    return Ok(res);
                }
                Err(e) => return Err(e),
            }
        }
    };
    page(&state, &req, StatusCode::UNPROCESSABLE_ENTITY, typed, &errors, None).await
}

//! Filing a complaint: the form, and what happens when it is sent.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use super::Choice;
use crate::domain::category::{Category, Resolution};
use crate::domain::complaint::{ComplaintForm, Field, FieldErrors, Invalid};
use crate::error::AppError;
use crate::service::complaints::{Intake, SubmitError, submit as file_complaint};
use crate::store::merchants::{self, MerchantChoice};
use crate::web::page::{PageCtx, render};
use crate::web::{AppState, csrf, form};

#[derive(Template)]
#[template(path = "consumer/new.html")]
struct NewComplaintPage {
    ctx: PageCtx,
    form: ComplaintForm,
    /// Field name → message, in the reader's language.
    errors: HashMap<&'static str, String>,
    /// A problem with the whole form (an expired page).
    notice: Option<String>,
    merchants: Vec<Choice>,
    categories: Vec<Choice>,
    resolutions: Vec<Choice>,
    csrf: String,
}

impl NewComplaintPage {
    fn new(
        ctx: PageCtx,
        form: ComplaintForm,
        errors: &FieldErrors,
        all: Vec<MerchantChoice>,
        csrf: String,
    ) -> Self {
        let t = ctx.t;
        let messages = errors
            .0
            .iter()
            .map(|(field, why)| {
                (
                    field.slug(),
                    t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]),
                )
            })
            .collect();
        let merchants = all
            .into_iter()
            .map(|m| Choice {
                selected: m.id.to_string() == form.merchant.trim(),
                value: m.id.to_string(),
                label: m.name,
            })
            .collect();
        let choices = |slugs: Vec<&'static str>, prefix: &str, picked: &str| {
            slugs
                .into_iter()
                .map(|slug| Choice {
                    value: slug.into(),
                    label: t.get(&format!("{prefix}.{slug}")).into(),
                    selected: slug == picked,
                })
                .collect()
        };
        NewComplaintPage {
            categories: choices(
                Category::ALL.iter().map(|c| c.slug()).collect(),
                "category",
                &form.category,
            ),
            resolutions: choices(
                Resolution::ALL.iter().map(|r| r.slug()).collect(),
                "resolution",
                &form.desired_resolution,
            ),
            merchants,
            errors: messages,
            notice: None,
            form,
            csrf,
            ctx,
        }
    }

    /// The message for a field, for `aria-describedby` and display.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

pub async fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    form: ComplaintForm,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let all = state.db(|conn| Ok(merchants::choices(conn)?)).await?;
    let (token, cookie) = csrf::token(req);
    let mut page = NewComplaintPage::new(PageCtx::new(req), form, errors, all, token);
    page.notice = notice;
    let mut res = render(status, &page)?;
    if let Some(cookie) = cookie {
        res.add_cookie(&cookie).map_err(AppError::internal)?;
    }
    Ok(res)
}

#[get("/complaints/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let form = ComplaintForm {
        merchant: query.get("merchant").cloned().unwrap_or_default(),
        ..ComplaintForm::default()
    };
    page(
        &state,
        &req,
        StatusCode::OK,
        form,
        &FieldErrors::default(),
        None,
    )
    .await
}

/// Someone who reloads or types the form's action lands on the form.
#[get("/complaints")]
pub async fn form_action() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", "/complaints/new"))
        .finish()
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
    let t = PageCtx::new(&req).t;
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let notice = Some(t.get("error.csrf").to_owned());
        return page(
            &state,
            &req,
            StatusCode::FORBIDDEN,
            typed,
            &FieldErrors::default(),
            notice,
        )
        .await;
    }
    let complaint = match typed.validate() {
        Ok(c) => c,
        Err(errors) => {
            return page(
                &state,
                &req,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
                &errors,
                None,
            )
            .await;
        }
    };
    let lang = PageCtx::new(&req).lang;
    let (clock, config) = (state.clock.clone(), state.config.clone());
    let outcome = state
        .db(move |conn| {
            let intake = Intake {
                policy: &config.policy,
                tz: config.tz,
                now: clock.now(),
                lang,
            };
            Ok(file_complaint(conn, &intake, &complaint))
        })
        .await?;
    match outcome {
        Ok(filed) => {
            tracing::info!(reference = %filed.reference, "complaint filed");
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/t/{}", filed.token)))
                .finish())
        }
        Err(SubmitError::UnknownMerchant(_)) => {
            let mut errors = FieldErrors::default();
            errors.add(Field::Merchant, Invalid::UnknownMerchant);
            page(
                &state,
                &req,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
                &errors,
                None,
            )
            .await
        }
        Err(SubmitError::Db(e)) => Err(e.into()),
    }
}

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
use crate::store::evidence;
use crate::store::merchants::{self, MerchantChoice};
use crate::web::evidence::{keep, refused};
use crate::web::limit::{self, Scope};
use crate::web::page::{PageCtx, render};
use crate::web::view::FieldView;
use crate::web::{AppState, csrf, form};

/// The merchant search box's field (not part of a complaint).
const MERCHANT_SEARCH: &str = "merchant_q";
/// The files field.
const EVIDENCE: &str = "evidence";

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
    /// The evidence files: a file input keeps nothing, so its "error" may
    /// only be that they need choosing again.
    evidence: FieldView,
}

impl Fields {
    fn new(t: &Tr, form: &ComplaintForm, errors: &FieldErrors, evidence: Option<String>) -> Fields {
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
            evidence: FieldView::new(t, "form", EVIDENCE, "", evidence),
        }
    }
}

impl Fields {
    /// The form's mistakes, in its order, for the summary: each field's
    /// id and "label: what is wrong".
    fn mistakes(&self, t: &Tr) -> Vec<(String, String)> {
        [
            &self.merchant,
            &self.order_ref,
            &self.category,
            &self.desired_resolution,
            &self.amount,
            &self.description,
            &self.consumer_name,
            &self.consumer_phone,
            &self.consumer_email,
            &self.evidence,
        ]
        .into_iter()
        .filter_map(|f| {
            let why = f.error.as_deref()?;
            Some((f.id.clone(), t.fmt("form.error_item", &[("label", &f.label), ("error", &why)])))
        })
        .collect()
    }
}

/// Up to this many merchants, the form lists them all; beyond, the
/// consumer searches by name (a list of thousands is no use on a phone).
pub const LIST_AT_MOST: usize = 30;
/// How many merchants a search offers.
const FOUND_AT_MOST: i64 = 10;

/// How the consumer picks the merchant.
struct Picker {
    /// Too many to list: a search box, and what it found as radio buttons.
    search: bool,
    /// The name searched for.
    q: String,
    /// The merchants offered (with the chosen one among them).
    options: Vec<Choice>,
    /// A search was made and found nothing.
    nothing_found: bool,
}

#[derive(Template)]
#[template(path = "consumer/new.html")]
struct NewComplaintPage {
    ctx: PageCtx,
    f: Fields,
    has_errors: bool,
    /// A problem with the whole form (an expired page).
    notice: Option<String>,
    picker: Picker,
    categories: Vec<Choice>,
    resolutions: Vec<Choice>,
    csrf: String,
}

/// Renders the form with what was typed, the merchant search `q`, its
/// errors and `notice`.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    (form, q, evidence): (ComplaintForm, &str, Option<String>),
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (search, offered) = merchant_choices(state, form.merchant.trim(), q).await;
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
    // One merchant found by a search, and none chosen yet: that one.
    let only = (search && offered.len() == 1 && picked.is_empty()).then(|| offered[0].id.to_string());
    let picked = only.as_deref().unwrap_or(picked);
    let mut options: Vec<Choice> = offered
        .iter()
        .map(|m| Choice { selected: m.id.to_string() == picked, value: m.id.to_string(), label: m.name.clone() })
        .collect();
    // Whatever happens, the merchant the consumer chose stays chosen.
    if !picked.is_empty() && !options.iter().any(|c| c.selected) {
        options.push(Choice { value: picked.into(), label: picked.into(), selected: true });
    }
    let q = q.trim();
    let mut fields = Fields::new(&t, &form, errors, evidence);
    if search {
        fields.merchant = fields.merchant.with_id(MERCHANT_SEARCH);
        fields.merchant.hint = t.get("form.merchant_search_hint").to_owned();
    }
    let page = NewComplaintPage {
        picker: Picker {
            search,
            q: q.to_owned(),
            nothing_found: search && !q.is_empty() && offered.is_empty(),
            options,
        },
        categories: choices(&mut Category::ALL.iter().map(|c| c.slug()), "category", &form.category),
        resolutions: choices(&mut Resolution::ALL.iter().map(|r| r.slug()), "resolution", &form.desired_resolution),
        f: fields,
        has_errors: !errors.is_empty(),
        notice,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The merchants to offer, and whether there are too many to list: all
/// of them when there are few; else those whose name contains `q`, and the
/// one `picked`. When the database cannot be reached, the short list last
/// read (the form must still be shown).
async fn merchant_choices(state: &AppState, picked: &str, q: &str) -> (bool, Vec<MerchantChoice>) {
    let (picked, q) = (picked.parse::<i64>().ok(), q.trim().to_owned());
    let read = state
        .db(move |conn| {
            let mut all = merchants::choices(conn, LIST_AT_MOST as i64 + 1)?;
            if all.len() <= LIST_AT_MOST {
                return Ok((false, all));
            }
            all.clear();
            if !q.is_empty() {
                let found = merchants::search(conn, &q, 0, FOUND_AT_MOST)?;
                all.extend(found.into_iter().map(|m| MerchantChoice { id: m.id, name: m.name }));
            }
            if let Some(id) = picked
                && !all.iter().any(|m| m.id == id)
                && let Some(m) = merchants::find(conn, id)?
            {
                all.insert(0, MerchantChoice { id: m.id, name: m.name });
            }
            Ok((true, all))
        })
        .await;
    let mut cache = state.merchant_choices.lock().unwrap_or_else(|p| p.into_inner());
    match read {
        Ok((false, all)) => {
            *cache = std::sync::Arc::new(all.clone());
            (false, all)
        }
        Ok(searched) => searched,
        Err(error) => {
            tracing::warn!(%error, "merchant list unavailable; offering the last one read");
            (false, cache.as_ref().clone())
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
    let q = query.get(MERCHANT_SEARCH).map_or("", String::as_str);
    page(&state, &req, StatusCode::OK, (form, q, None), &FieldErrors::default(), None).await
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
    let (fields, uploads) = form::read_with_files(&req, body, EVIDENCE).await?;
    let t = PageCtx::new(&req).t;
    // Shown again, the form cannot keep the files: they need choosing again.
    let again = (!uploads.is_empty()).then(|| t.get("form.evidence_again").to_owned());
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
    let q = fields.get(MERCHANT_SEARCH);
    if !csrf::verify(&req, &fields.get(csrf::FIELD)) {
        let notice = Some(t.get("error.csrf").to_owned());
        return page(&state, &req, StatusCode::FORBIDDEN, (typed, &q, again), &FieldErrors::default(), notice).await;
    }
    // The "find" button of the merchant search: the form again, with what
    // was found, everything typed kept.
    if fields.get("find") == "merchant" {
        return page(&state, &req, StatusCode::OK, (typed, &q, again), &FieldErrors::default(), None).await;
    }
    // Every complaint sent counts against its address, valid or not.
    if let Err(wait) = state.limiter.check(Scope::Complaints, &req, state.clock.now()) {
        let notice = Some(t.fmt("error.rate_limited", &[("n", &limit::seconds(wait))]));
        let status = StatusCode::TOO_MANY_REQUESTS;
        let mut res = page(&state, &req, status, (typed, &q, again), &FieldErrors::default(), notice).await?;
        limit::retry_after(&mut res, wait);
        return Ok(res);
    }
    // A file's kind is told by its first bytes; anything else is refused
    // with the form, before any work is done on the rest.
    let mut evidence_error = refused(&t, &uploads);
    let errors = match typed.validate() {
        Err(errors) => errors,
        Ok(_) if evidence_error.is_some() => FieldErrors::default(),
        Ok(complaint) => {
            let stored = match keep(&state, uploads).await? {
                Ok(stored) => stored,
                Err(e) => {
                    let error = Some(crate::web::evidence::message(&t, &e));
                    let status = StatusCode::UNPROCESSABLE_ENTITY;
                    return page(&state, &req, status, (typed, &q, error), &FieldErrors::default(), None).await;
                }
            };
            let lang = t.lang();
            let (clock, config) = (state.clock.clone(), state.config.clone());
            let filed = state
                .write(move |conn| {
                    let now = clock.now();
                    let intake = Intake { config: &config, now, lang };
                    match file_complaint(conn, &intake, &complaint) {
                        Ok(filed) => {
                            // The files' rows, in the complaint's transaction.
                            evidence::insert(conn, filed.id, crate::domain::evidence::Side::Consumer, &stored, now)?;
                            Ok(Some(filed))
                        }
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
                    let notice = Some(t.get("error.unavailable_kept").to_owned());
                    let status = StatusCode::SERVICE_UNAVAILABLE;
                    let mut res =
                        page(&state, &req, status, (typed, &q, again), &FieldErrors::default(), notice).await?;
                    res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
                    return Ok(res);
                }
                Err(e) => return Err(e),
            }
        }
    };
    if evidence_error.is_none() {
        evidence_error = again;
    }
    page(&state, &req, StatusCode::UNPROCESSABLE_ENTITY, (typed, &q, evidence_error), &errors, None).await
}

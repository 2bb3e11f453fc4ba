//! Filing a complaint: the form; what happens when it is sent is in
//! [`filing`].

mod filing;
mod offered;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::Choice;
use crate::domain::category::{Category, Resolution};
use crate::domain::complaint::{ComplaintForm, Field, FieldErrors};
use crate::domain::contact::VerifyPhone;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::store::merchants::{self, MerchantChoice};

use crate::web::page::{PageCtx, render};
use crate::web::refusal::{self, PHONE_CODE, Refusal};
use crate::web::view::FieldView;
use crate::web::{AppState, csrf};

pub use filing::{send_code, submit};
use offered::{LiveOptions, live_options};

/// The merchant search box's id (its field is not part of a complaint).
const MERCHANT_SEARCH: &str = "merchant_q";

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
    /// The code sent to the phone number, which proves it.
    phone_code: FieldView,
    /// The evidence files: a file input keeps nothing, so its "error" may
    /// only be that they need choosing again.
    evidence: FieldView,
    /// The product and the live session, offered once the merchant is known.
    product: FieldView,
    live_session: FieldView,
}

impl Fields {
    fn new(
        t: &Tr,
        form: &ComplaintForm,
        live: &LiveTyped,
        errors: &FieldErrors,
        evidence: Option<String>,
        code: &str,
    ) -> Fields {
        let error = |field: Field| errors.get(field).map(|why| refusal::invalid(t, why));
        Fields {
            merchant: FieldView::new(t, "form.merchant", &form.merchant, error(Field::Merchant)),
            order_ref: FieldView::new(t, "form.order_ref", &form.order_ref, error(Field::OrderRef)),
            category: FieldView::new(t, "form.category", &form.category, error(Field::Category)),
            desired_resolution: FieldView::new(
                t,
                "form.desired_resolution",
                &form.desired_resolution,
                error(Field::DesiredResolution),
            ),
            amount: FieldView::new(t, "form.amount", &form.amount, error(Field::Amount)),
            description: FieldView::new(t, "form.description", &form.description, error(Field::Description)),
            consumer_name: FieldView::new(t, "form.consumer_name", &form.consumer_name, error(Field::ConsumerName)),
            consumer_phone: FieldView::new(t, "form.consumer_phone", &form.consumer_phone, error(Field::ConsumerPhone)),
            consumer_email: FieldView::new(t, "form.consumer_email", &form.consumer_email, error(Field::ConsumerEmail)),
            phone_code: FieldView::new(t, "form.phone_code", code, None),
            evidence: FieldView::new(t, "form.evidence", "", evidence),
            product: FieldView::new(t, "live_intake.product", &live.product, error(Field::Product)),
            live_session: FieldView::new(t, "live_intake.live_session", &live.live_session, error(Field::LiveSession)),
        }
    }
}

impl Fields {
    /// The complaint's field `field`'s view, if it is one of the form's.
    fn view_mut(&mut self, field: Field) -> Option<&mut FieldView> {
        Some(match field {
            Field::Merchant => &mut self.merchant,
            Field::OrderRef => &mut self.order_ref,
            Field::Category => &mut self.category,
            Field::DesiredResolution => &mut self.desired_resolution,
            Field::Amount => &mut self.amount,
            Field::Description => &mut self.description,
            Field::ConsumerName => &mut self.consumer_name,
            Field::ConsumerPhone => &mut self.consumer_phone,
            Field::ConsumerEmail => &mut self.consumer_email,
            Field::Product => &mut self.product,
            Field::LiveSession => &mut self.live_session,
            // The conversation's, onboarding's and the merchant's live forms' fields.
            _ => return None,
        })
    }

    /// `refusal`'s message next to its field: `false` when it is about no
    /// field of the form (the page's notice says it instead).
    fn refuse(&mut self, t: &Tr, refusal: Refusal) -> bool {
        if refusal.field == Some(PHONE_CODE) {
            self.phone_code.error = Some(refusal.message(t));
            return true;
        }
        let view = refusal.field.and_then(Field::from_slug).and_then(|f| self.view_mut(f));
        view.map(|view| view.error = Some(refusal.message(t))).is_some()
    }

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
            &self.product,
            &self.live_session,
            &self.phone_code,
            &self.evidence,
        ]
        .into_iter()
        .filter_map(|f| f.mistake(t))
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
    /// The code field and its button are offered (`REDRESS_VERIFY_PHONE`
    /// is not `off`).
    verify: bool,
    /// "Code sent to 138****8000", after the button.
    code_sent: Option<String>,
    /// The chosen merchant's products and recent sessions (none chosen:
    /// `None`, and the form offers the button that shows them).
    live: Option<LiveOptions>,
    /// The consent to the public register is ticked (never by default:
    /// only when the consumer ticked it before the form came back).
    publish: bool,
}

/// The product and session fields as typed.
#[derive(Default, Clone)]
pub struct LiveTyped {
    pub product: String,
    pub live_session: String,
}

/// The form as shown (again): what was typed, the merchant search, and
/// what is wrong with it.
#[derive(Default)]
struct Shown {
    typed: ComplaintForm,
    /// The merchant search box.
    q: String,
    errors: FieldErrors,
    /// A refusal of the whole form, by its field (or the notice).
    refusal: Option<Refusal>,
    /// What the evidence field says: a file refused, or that the files
    /// need choosing again (a file input keeps nothing).
    evidence: Option<String>,
    /// A problem with the whole form (an expired page), in words.
    notice: Option<String>,
    /// The code typed to prove the phone number.
    phone_code: String,
    /// "Code sent to 138****8000", after the send-code button.
    code_sent: Option<String>,
    /// The product and session chosen.
    live: LiveTyped,
}

/// Renders the form as `shown`.
async fn page(state: &AppState, req: &HttpRequest, status: StatusCode, shown: Shown) -> Result<HttpResponse, AppError> {
    let (search, offered) = merchant_choices(state, shown.typed.merchant.trim(), &shown.q).await;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let form = &shown.typed;
    let choices = |slugs: &mut dyn Iterator<Item = (&'static str, &'static str)>, picked: &str| -> Vec<Choice> {
        slugs
            .map(|(slug, key)| Choice { value: slug.into(), label: t.get(key).into(), selected: slug == picked })
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
    let live = live_options(state, &t, picked, &shown.live).await?;
    let q = shown.q.trim();
    let mut fields = Fields::new(&t, form, &shown.live, &shown.errors, shown.evidence, &shown.phone_code);
    let verify = state.config.verify_phone;
    if verify == VerifyPhone::Required {
        fields.phone_code.hint = t.get("verify.code_hint_required").to_owned();
    }
    let (mut has_errors, mut notice) = (!shown.errors.is_empty(), shown.notice);
    if let Some(refusal) = shown.refusal {
        if fields.refuse(&t, refusal) {
            has_errors = true;
        } else {
            notice = Some(refusal.message(&t));
        }
    }
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
        categories: choices(&mut Category::ALL.iter().map(|c| (c.slug(), c.key())), &form.category),
        resolutions: choices(&mut Resolution::ALL.iter().map(|r| (r.slug(), r.key())), &form.desired_resolution),
        f: fields,
        has_errors,
        notice,
        csrf: csrf::token(req),
        verify: verify.is_on(),
        code_sent: shown.code_sent,
        live,
        publish: form.consents(),
        ctx,
    };
    render(status, &page)
}

/// The merchants to offer, and whether there are too many to list: all
/// of them when there are few; else those whose name contains `q`, and the
/// one `picked`. When the database cannot be reached, the short list last
/// read (the form must still be shown).
pub(super) async fn merchant_choices(state: &AppState, picked: &str, q: &str) -> (bool, Vec<MerchantChoice>) {
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

/// `/complaints/new?merchant=…` (a scorecard's link) and the merchant
/// search's `merchant_q`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    merchant: String,
    merchant_q: String,
}

#[get("/complaints/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let NewQuery { merchant, merchant_q } = query.into_inner();
    let shown =
        Shown { typed: ComplaintForm { merchant, ..ComplaintForm::default() }, q: merchant_q, ..Shown::default() };
    page(&state, &req, StatusCode::OK, shown).await
}

/// Someone who reloads or types the form's action lands on the form.
#[get("/complaints")]
pub async fn form_action() -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", "/complaints/new")).finish()
}

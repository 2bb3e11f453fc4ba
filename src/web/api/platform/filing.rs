//! `POST /api/v1/complaints` (platform keys): a platform files a complaint
//! for a consumer from its order page. The complaint form's fields, the
//! form's validation, and the site's filing (the same service call, on the
//! same write path: SQLite's group-commit writer), under the
//! `Idempotency-Key` the request must carry.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{Refused, field_problem, one_of, one_of_or_null, problem_of_refusal};
use crate::domain::category::{Category, Resolution};
use crate::domain::complaint::{self as domain, ComplaintForm, FieldErrors, Invalid, NewComplaint};
use crate::i18n::Lang;
use crate::service::api_filing::{self, Filed, FilingError, Once};
use crate::service::complaints::Intake;
use crate::store::complaints::Complaint;
use crate::web::AppState;
use crate::web::api::auth::ApiCaller;
use crate::web::api::complaints::ApiResult;
use crate::web::api::json::ApiJson;
use crate::web::api::problem::{Problem, ProblemKind, lang_of};
use crate::web::api::views::rfc3339;
use crate::web::refusal::Refuse;

/// The header that makes filing safe to retry.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// The longest idempotency key taken.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;
/// Set on an answer that repeats the one a key got first.
pub const REPLAYED: &str = "Idempotent-Replayed";

fn category_schema() -> utoipa::openapi::ObjectBuilder {
    let slugs: Vec<&'static str> = Category::ALL.iter().map(|c| c.slug()).collect();
    one_of(&slugs, "The complaint's category.")
}

fn resolution_schema() -> utoipa::openapi::ObjectBuilder {
    let slugs: Vec<&'static str> = Resolution::ALL.iter().map(|r| r.slug()).collect();
    one_of(&slugs, "What the consumer asks for.")
}

fn lang_schema() -> utoipa::openapi::ObjectBuilder {
    one_of_or_null(&["zh-CN", "en"], "The consumer's language, for their notices (default: the request's).")
}

/// A complaint, as the site's complaint form takes it. A field missing or
/// `null` is empty (and refused with the field's message if it is
/// required); text is checked as the form checks it.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct NewComplaintBody {
    /// The merchant's id (`/merchants/{id}`).
    #[schema(required = true, value_type = i64, minimum = 1, example = 1)]
    pub merchant: Option<i64>,
    /// The consumer's order number on the platform.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 64, example = "DY4829301756")]
    pub order_ref: Option<String>,
    #[schema(required = true, schema_with = category_schema)]
    pub category: Option<String>,
    #[schema(required = true, schema_with = resolution_schema)]
    pub desired_resolution: Option<String>,
    /// Yuan, as text with at most two decimals: `"299.00"`.
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$", example = "299.00")]
    pub amount: Option<String>,
    /// What happened, 10 to 2,000 characters.
    #[schema(required = true, value_type = String, min_length = 10, max_length = 2000)]
    pub description: Option<String>,
    #[schema(required = true, value_type = String, min_length = 1, max_length = 50, example = "王芳")]
    pub consumer_name: Option<String>,
    /// A mainland mobile number; a phone number or an e-mail address is needed.
    #[schema(pattern = r"^(\+86)?1[3-9][0-9]{9}$", example = "13800138000")]
    pub consumer_phone: Option<String>,
    #[schema(format = Email, example = "wangfang@example.com")]
    pub consumer_email: Option<String>,
    /// One of the merchant's products (approved, or delisted since).
    #[schema(minimum = 1)]
    pub product: Option<i64>,
    /// One of the merchant's live sessions of the last 30 days.
    #[schema(minimum = 1)]
    pub live_session: Option<i64>,
    #[schema(schema_with = lang_schema)]
    pub lang: Option<String>,
    /// The consumer agreed to have the complaint published in the public
    /// register (`/cases`) without personal data. Ask them plainly and
    /// leave it unticked by default; they can withdraw it at any time on
    /// their tracking page.
    #[schema(value_type = bool, default = false)]
    #[serde(skip_serializing_if = "not_consented")]
    pub publish: Option<bool>,
}

/// No consent (absent, `null` or `false`): left out of the body's digest,
/// so that a retry with or without `"publish": false` is the same body,
/// and as bodies without the field were digested before it existed.
fn not_consented(publish: &Option<bool>) -> bool {
    *publish != Some(true)
}

impl NewComplaintBody {
    /// The complaint as the form's rules take it, or every field refused.
    fn checked(&self) -> Result<NewComplaint, FieldErrors> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let id = |v: Option<i64>| v.map(|id| id.to_string()).unwrap_or_default();
        let form = ComplaintForm {
            merchant: id(self.merchant),
            order_ref: text(&self.order_ref),
            category: text(&self.category),
            desired_resolution: text(&self.desired_resolution),
            amount: text(&self.amount),
            description: text(&self.description),
            consumer_name: text(&self.consumer_name),
            consumer_phone: text(&self.consumer_phone),
            consumer_email: text(&self.consumer_email),
            publish: if self.publish == Some(true) { "1" } else { "" }.into(),
        };
        let mut live = FieldErrors::default();
        let (product_id, live_session_id) = domain::live_ids(&id(self.product), &id(self.live_session), &mut live);
        match form.validate() {
            Ok(c) if live.is_empty() => Ok(NewComplaint { product_id, live_session_id, ..c }),
            Ok(_) => Err(live),
            Err(mut errors) => {
                errors.0.extend(live.0);
                Err(errors)
            }
        }
    }

    /// The SHA-256 of the body as read, in canonical JSON (keys sorted,
    /// no spaces, absent and `null` alike): what the key is compared by.
    fn digest(&self) -> String {
        let canonical = serde_json::to_value(self).map(|v| canonical(&v)).unwrap_or_default();
        Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// `v` as JSON with every object's keys sorted, whatever order the
/// serialiser keeps.
fn canonical(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", serde_json::Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        serde_json::Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// The complaint filed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledComplaint {
    #[schema(example = "TS20261120000001")]
    pub reference: String,
    /// The consumer's tracking page: give it to the consumer (it is their
    /// secret link; the receipt they are sent has it too).
    pub tracking_url: String,
    /// This complaint in the API.
    #[schema(example = "/api/v1/complaints/TS20261120000001")]
    pub href: String,
    #[schema(format = DateTime)]
    pub submitted_at: String,
    pub deadlines: FiledDeadlines,
}

/// When the merchant must answer and resolve it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledDeadlines {
    /// 48 hours after filing: the merchant's first public reply.
    #[schema(format = DateTime)]
    pub response_due_at: String,
    /// 7 days after filing: a resolution the consumer accepts.
    #[schema(format = DateTime)]
    pub resolution_due_at: String,
}

impl FiledComplaint {
    /// Made of what never changes once filed, so that a replay answers
    /// the same body.
    fn of(state: &AppState, c: &Complaint) -> FiledComplaint {
        FiledComplaint {
            reference: c.reference.clone(),
            tracking_url: format!("{}/t/{}", state.config.public_base(), c.token),
            href: format!("{}/complaints/{}", crate::web::api::BASE, c.reference),
            submitted_at: rfc3339(c.submitted_at),
            deadlines: FiledDeadlines {
                response_due_at: rfc3339(c.response_due_at),
                resolution_due_at: rfc3339(c.resolution_due_at),
            },
        }
    }
}

/// The request's `Idempotency-Key`: present, 1 to 255 printable ASCII
/// characters.
fn idempotency_key(req: &HttpRequest) -> Result<String, Problem> {
    let t = lang_of(req).tr();
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else {
        return Err(Problem::new(&t, ProblemKind::IdempotencyKeyMissing));
    };
    let key = value.to_str().ok().filter(|k| {
        (1..=IDEMPOTENCY_KEY_MAX).contains(&k.len()) && k.bytes().all(|b| (0x20..0x7f).contains(&b)) && k.trim() == *k
    });
    key.map(str::to_owned).ok_or_else(|| {
        let detail = t.fmt("api_platform.idempotency_key_invalid", &[("n", &IDEMPOTENCY_KEY_MAX)]);
        Problem::new(&t, ProblemKind::IdempotencyKeyMissing).detail(detail)
    })
}

/// Files a complaint for a consumer.
///
/// The same service call as the site's complaint form: the consumer is
/// sent the receipt with the tracking link, the merchant its notice, the
/// deadlines run from now and the complaint is scored by the risk rules.
/// Retrying with the same `Idempotency-Key` and body answers the same
/// complaint (`Idempotent-Replayed: true`); keys are remembered for 24
/// hours, per API key.
#[utoipa::path(
    post,
    path = "/api/v1/complaints",
    tag = "platform",
    operation_id = "file_complaint",
    params((
        "Idempotency-Key" = String, Header,
        description = "Chosen by the caller, unique per complaint: 1 to 255 printable ASCII characters."
    )),
    request_body(content = NewComplaintBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Filed (or, with `Idempotent-Replayed: true`, filed before with this key).",
            body = FiledComplaint,
            headers(("Location" = String, description = "The complaint in the API."))),
        (status = 400, description = "No or a malformed `Idempotency-Key`, or a body that is not JSON.",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a platform key.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields refused (`errors`), a body of the wrong shape, or the key used with \
            another body.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/complaints")]
pub async fn file(req: HttpRequest, caller: ApiCaller, state: web::Data<AppState>, payload: web::Payload) -> ApiResult {
    caller.platform(&req)?;
    let key = idempotency_key(&req)?;
    // The body is read once the key may file and the header is there.
    let ApiJson(body) = ApiJson::<NewComplaintBody>::from_request(&req, &mut payload.into_inner()).await?;
    let t = lang_of(&req).tr();
    let complaint = body.checked().map_err(|errors| Problem::fields(&t, &errors))?;
    let lang = match body.lang.as_deref() {
        None => t.lang(),
        Some(code) => Lang::ALL
            .into_iter()
            .find(|l| code.eq_ignore_ascii_case(l.code()))
            .ok_or_else(|| field_problem(&t, "lang", Invalid::UnknownChoice.key()))?,
    };
    let (digest, api_key_id) = (body.digest(), caller.key.id);
    let (clock, config) = (state.clock.clone(), state.config.clone());
    let filed = state
        .write(move |conn| {
            let intake = Intake { config: &config, now: clock.now(), lang };
            let once = Once { api_key_id, key: &key, body_sha256: &digest };
            match api_filing::file_once(conn, &intake, &complaint, &once) {
                Ok(filed) => Ok(Ok(filed)),
                Err(FilingError::Reused) => Ok(Err(Refused::Reused)),
                // Nothing was written: the refusal is the answer.
                Err(FilingError::Submit(e)) => e.refusal().map(|r| Err(Refused::Site(r))),
            }
        })
        .await?;
    match filed {
        Ok(filed) => Ok(answer(&state, &filed)),
        Err(Refused::Reused) => Err(Problem::new(&t, ProblemKind::IdempotencyKeyReused).into()),
        Err(Refused::Site(refusal)) => Err(problem_of_refusal(&t, refusal).into()),
    }
}

/// 201 with the complaint, where it is, and whether it was filed before.
fn answer(state: &AppState, filed: &Filed) -> HttpResponse {
    let c = filed.complaint();
    let body = FiledComplaint::of(state, c);
    let mut res = HttpResponse::build(StatusCode::CREATED);
    res.insert_header((header::LOCATION, body.href.clone()));
    if let Filed::Again(_) = filed {
        res.insert_header((REPLAYED, HeaderValue::from_static("true")));
    } else {
        tracing::info!(reference = %c.reference, "complaint filed through the API");
    }
    res.json(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_ignores_key_order_and_spacing() {
        let a: NewComplaintBody = serde_json::from_str(r#"{"merchant":1,"order_ref":"X","amount":null}"#).unwrap();
        let b: NewComplaintBody = serde_json::from_str(r#"{ "order_ref" : "X", "merchant" : 1 }"#).unwrap();
        let c: NewComplaintBody = serde_json::from_str(r#"{"merchant":2,"order_ref":"X"}"#).unwrap();
        assert_eq!(a.digest(), b.digest());
        assert_ne!(a.digest(), c.digest());
        let no: NewComplaintBody = serde_json::from_str(r#"{"merchant":1,"order_ref":"X","publish":false}"#).unwrap();
        let yes: NewComplaintBody = serde_json::from_str(r#"{"merchant":1,"order_ref":"X","publish":true}"#).unwrap();
        assert_eq!(no.digest(), a.digest(), "no consent is the body without the field");
        assert_ne!(yes.digest(), a.digest());
        assert_eq!(
            canonical(&serde_json::json!({"b":[1,{"d":2,"c":"é"}],"a":null})),
            r#"{"a":null,"b":[1,{"c":"é","d":2}]}"#
        );
    }
}

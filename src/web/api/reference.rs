//! `GET /api/v1/docs`: the API's reference as a page of the site, made
//! from the OpenAPI document itself (so it cannot drift from it): each
//! path and method, what it does, its parameters, its body's fields and
//! its answers, then the shapes of the bodies. Headings, labels and each
//! operation's summary are in the reader's language; the field
//! descriptions are the document's own (English).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get};
use askama::Template;
use serde_json::Value;
use utoipa::OpenApi;

use super::ApiDoc;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::web::page::{PageCtx, render};

/// Each operation's summary in the catalog, by operation id; an operation
/// not listed shows the document's (English) summary.
const SUMMARIES: &[(&str, &str)] = &[
    ("list", "api_ref.op_list"),
    ("show", "api_ref.op_show"),
    ("reply", "api_ref.op_reply"),
    ("propose", "api_ref.op_propose"),
    ("evidence", "api_ref.op_evidence"),
    ("file_complaint", "api_ref.op_file_complaint"),
    ("queue", "api_ref.op_queue"),
    ("rule_complaint", "api_ref.op_rule_complaint"),
    ("openapi_json", "api_ref.op_openapi_json"),
    ("problem_type", "api_ref.op_problem_type"),
    ("api_reference", "api_ref.op_api_reference"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A description in pieces: its text, and `true` for what the document
/// quotes as code (between backticks).
pub type Words = Vec<(String, bool)>;

fn words(v: &Value) -> Words {
    text(v).split('`').enumerate().filter(|(_, p)| !p.is_empty()).map(|(i, p)| (p.to_owned(), i % 2 == 1)).collect()
}

/// One field of a body, or one parameter.
pub struct Row {
    pub name: String,
    /// `string`, `integer`, one of the values, or a schema's name.
    pub kind: String,
    pub required: bool,
    pub description: Words,
}

pub struct Answer {
    pub status: String,
    pub description: Words,
    /// The body's schema (its name, linked below) and content type.
    pub body: Option<(String, String)>,
}

pub struct Operation {
    /// The anchor: `post-api-v1-complaints`.
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: Words,
    /// Needs `Authorization: Bearer <key>`.
    pub auth: bool,
    pub params: Vec<(String, Row)>,
    /// The body's schema name and content type.
    pub body: Option<(String, String)>,
    pub answers: Vec<Answer>,
}

pub struct Shape {
    pub name: String,
    pub description: Words,
    pub fields: Vec<Row>,
}

#[derive(Template)]
#[template(path = "api/reference.html")]
struct ReferencePage {
    ctx: PageCtx,
    operations: Vec<Operation>,
    shapes: Vec<Shape>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").trim().to_owned()
}

/// The name a `$ref` points to.
fn ref_name(v: &Value) -> Option<String> {
    v.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).map(str::to_owned)
}

/// A schema in a word or a few: its reference, its values, its type.
fn kind(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return name;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | ");
    }
    if let Some(all) = schema.get("oneOf").or_else(|| schema.get("allOf")).and_then(Value::as_array) {
        return all.iter().map(kind).filter(|k| k != "null").collect::<Vec<_>>().join(" | ");
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().map(text).collect(),
        Some(t) => vec![text(t)],
        None => Vec::new(),
    };
    let mut words: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
    if words.first().is_some_and(|t| t == "array") {
        let items = schema.get("items").map(kind).unwrap_or_default();
        words = vec![format!("[{items}]")];
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        words.push(format!("({format})"));
    }
    words.join(" ")
}

/// The fields of the object schema `schema`.
fn fields(schema: &Value) -> Vec<Row> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return Vec::new() };
    props
        .iter()
        .map(|(name, p)| Row {
            name: name.clone(),
            kind: kind(p),
            required: required.contains(&name.as_str()),
            description: words(p.get("description").unwrap_or(&Value::Null)),
        })
        .collect()
}

/// The first content of `content` (a body's or an answer's): its schema's
/// name and its content type.
fn content(v: &Value) -> Option<(String, String)> {
    let (media, c) = v.get("content")?.as_object()?.iter().next()?;
    let schema = c.get("schema").map(|s| ref_name(s).unwrap_or_else(|| kind(s))).unwrap_or_default();
    Some((schema, media.clone()))
}

/// Where a parameter goes, in words.
fn location(t: &Tr, at: &str) -> String {
    t.get(match at {
        "path" => "api_ref.in_path",
        "query" => "api_ref.in_query",
        "header" => "api_ref.in_header",
        _ => "api_ref.in_other",
    })
    .to_owned()
}

fn operation(t: &Tr, path: &str, method: &str, op: &Value) -> Operation {
    let op_id = text(op.get("operationId").unwrap_or(&Value::Null));
    let summary = match SUMMARIES.iter().find(|(id, _)| *id == op_id) {
        Some((_, key)) => t.get(key).to_owned(),
        None => text(op.get("summary").unwrap_or(&Value::Null)),
    };
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let row = Row {
                        name: text(&p["name"]),
                        kind: p.get("schema").map(kind).unwrap_or_default(),
                        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                        description: words(p.get("description").unwrap_or(&Value::Null)),
                    };
                    (location(t, p["in"].as_str().unwrap_or("")), row)
                })
                .collect()
        })
        .unwrap_or_default();
    let answers = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.iter()
                .map(|(status, r)| Answer {
                    status: status.clone(),
                    description: words(r.get("description").unwrap_or(&Value::Null)),
                    body: content(r),
                })
                .collect()
        })
        .unwrap_or_default();
    let anchor: String =
        format!("{method}-{path}").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    Operation {
        id: anchor.trim_matches('-').to_owned(),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary,
        description: words(op.get("description").unwrap_or(&Value::Null)),
        auth: op.get("security").is_some(),
        params,
        body: op.get("requestBody").and_then(content),
        answers,
    }
}

/// The reference, as read from `doc` (the OpenAPI document as JSON).
fn read(t: &Tr, doc: &Value) -> (Vec<Operation>, Vec<Shape>) {
    let mut operations = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    operations.push(operation(t, path, method, op));
                }
            }
        }
    }
    let shapes = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, s)| Shape {
                    name: name.clone(),
                    description: words(s.get("description").unwrap_or(&Value::Null)),
                    fields: fields(s),
                })
                .collect()
        })
        .unwrap_or_default();
    (operations, shapes)
}

/// The API's reference, as a page in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/docs",
    tag = "meta",
    operation_id = "api_reference",
    responses((status = 200, description = "This API's reference, as a web page.", content_type = "text/html"))
)]
#[get("/docs")]
pub async fn page(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let doc = serde_json::to_value(ApiDoc::openapi()).map_err(AppError::internal)?;
    let (operations, shapes) = read(&ctx.t, &doc);
    render(StatusCode::OK, &ReferencePage { ctx, operations, shapes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_path_and_method_of_the_document_is_on_the_page() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let (ops, shapes) = read(&Lang::En.tr(), &doc);
        let filing = ops.iter().find(|o| o.method == "POST" && o.path == "/api/v1/complaints").expect("filing");
        assert!(filing.auth);
        assert!(filing.params.iter().any(|(_, p)| p.name == "Idempotency-Key" && p.required));
        assert_eq!(filing.body.as_ref().map(|b| b.0.as_str()), Some("NewComplaintBody"));
        assert!(filing.answers.iter().any(|a| a.status == "201"));
        let body = shapes.iter().find(|s| s.name == "NewComplaintBody").expect("its shape");
        let category = body.fields.iter().find(|f| f.name == "category").unwrap();
        assert!(category.required && category.kind.contains("false_advertising"), "{}", category.kind);
        let count: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|i| METHODS.iter().filter(|m| i.get(**m).is_some()).count())
            .sum();
        assert_eq!(ops.len(), count);
        assert!(ops.iter().any(|o| o.path == "/api/v1/docs"), "the page itself");
        let quoted = words(&Value::from("Send `Idempotency-Key` again, `x`."));
        assert_eq!(
            quoted,
            [
                ("Send ".into(), false),
                ("Idempotency-Key".into(), true),
                (" again, ".into(), false),
                ("x".into(), true),
                (".".into(), false)
            ]
        );
    }
}

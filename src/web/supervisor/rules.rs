//! `/supervisor/rules`: the risk rules that score every complaint at
//! intake (machine discovery), the form that adds one (`label`, `pattern`:
//! words or phrases one a line, `weight`), and each rule's own page to
//! change it or switch it off. A form sent with a mistake comes back (422)
//! with every message next to its field and everything typed kept; every
//! change is on the staff audit log, in the change's transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::audit::AuditKind;
use crate::domain::category::Category;
use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::risk::RuleKind;
use crate::domain::risk::form::RuleForm;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::risk::{self as service, RuleError};
use crate::store::risk::{self as store, RuleRow};
use crate::web::consumer::Choice;
use crate::web::form::CsrfForm;
use crate::web::page::{PageCtx, render};
use crate::web::path::RuleId;
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::{FieldView, money};
use crate::web::{AppState, csrf};

pub struct RuleLine {
    pub id: i64,
    pub kind: &'static str,
    pub kind_label: String,
    pub label: String,
    pub weight: i32,
    pub active: bool,
    /// The words, or what the condition compares.
    pub what: String,
}

#[derive(Template)]
#[template(path = "supervisor/rules.html")]
struct RulesPage {
    ctx: PageCtx,
    rules: Vec<RuleLine>,
    threshold: i32,
    notice: Option<String>,
    label: FieldView,
    pattern: FieldView,
    weight: FieldView,
    csrf: String,
}

#[derive(Template)]
#[template(path = "supervisor/rule.html")]
struct RulePage {
    ctx: PageCtx,
    id: i64,
    kind: &'static str,
    kind_label: String,
    active: bool,
    label: FieldView,
    pattern: FieldView,
    weight: FieldView,
    amount: FieldView,
    category: FieldView,
    categories: Vec<Choice>,
    csrf: String,
}

/// `?done=added` or `?done=changed` after a form that worked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

fn message(t: &Tr, errors: &FieldErrors, f: Field) -> Option<String> {
    errors.get(f).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]))
}

fn line(t: &Tr, r: &RuleRow) -> RuleLine {
    let what = match r.kind {
        RuleKind::Words => r.pattern.lines().collect::<Vec<_>>().join(" · "),
        RuleKind::RegulatedProduct => t.get("rules.what_regulated").to_owned(),
        RuleKind::AmountOver => r.threshold_fen.map(money).unwrap_or_default(),
        RuleKind::Category => r.category.map(|c| t.get(c.key()).to_owned()).unwrap_or_default(),
    };
    RuleLine {
        id: r.id,
        kind: r.kind.slug(),
        kind_label: t.get(r.kind.key()).to_owned(),
        label: r.label.clone(),
        weight: r.weight,
        active: r.active,
        what,
    }
}

async fn list_page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    (typed, errors, done): (&RuleForm, &FieldErrors, &str),
) -> Result<HttpResponse, AppError> {
    let rows = state.db(move |conn| Ok(store::all(conn)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let notice = match done {
        "added" => Some(t.get("rules.done_added").to_owned()),
        "changed" => Some(t.get("rules.done_changed").to_owned()),
        _ => None,
    };
    let page = RulesPage {
        rules: rows.iter().map(|r| line(&t, r)).collect(),
        threshold: state.config.policy.risk_threshold,
        notice,
        label: FieldView::new(&t, "rules.label", &typed.label, message(&t, errors, Field::Label)),
        pattern: FieldView::new(&t, "rules.pattern", &typed.pattern, message(&t, errors, Field::Pattern)),
        weight: FieldView::new(&t, "rules.weight", &typed.weight, message(&t, errors, Field::Weight)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/supervisor/rules")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    list_page(&state, &req, StatusCode::OK, (&RuleForm::default(), &FieldErrors::default(), &done.done)).await
}

#[post("/supervisor/rules")]
pub async fn add(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    form: CsrfForm<RuleForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let (sent, by) = (typed.clone(), who.0.user_id);
    let entry =
        (AuditKind::RiskRuleAdded, service::described(&RuleForm { active: Some(String::new()), ..typed.clone() }));
    let added = with_audit(
        &state,
        &req,
        &who,
        entry,
        move |conn, now| service::add(conn, &sent, by, now),
        |r: &RuleRow| format!("risk rule {}", r.id),
    )
    .await?;
    match added {
        Ok(_) => Ok(back("/supervisor/rules?done=added")),
        Err(RuleError::Invalid(errors)) => {
            list_page(&state, &req, StatusCode::UNPROCESSABLE_ENTITY, (&typed, &errors, "")).await
        }
        Err(RuleError::NotFound) => Err(AppError::NotFound),
        Err(RuleError::Db(e)) => Err(e.into()),
    }
}

fn rule_page(
    req: &HttpRequest,
    rule: &RuleRow,
    status: StatusCode,
    (typed, errors): (&RuleForm, &FieldErrors),
) -> Result<HttpResponse, AppError> {
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let m = |field: Field| message(&t, errors, field);
    let page = RulePage {
        id: rule.id,
        kind: rule.kind.slug(),
        kind_label: t.get(rule.kind.key()).to_owned(),
        active: typed.active.is_some(),
        label: FieldView::new(&t, "rules.label", &typed.label, m(Field::Label)),
        pattern: FieldView::new(&t, "rules.pattern", &typed.pattern, m(Field::Pattern)),
        weight: FieldView::new(&t, "rules.weight", &typed.weight, m(Field::Weight)),
        amount: FieldView::new(&t, "rules.amount", &typed.amount, m(Field::Amount)),
        category: FieldView::new(&t, "rules.category", &typed.category, m(Field::Category)),
        categories: Category::ALL
            .iter()
            .map(|c| Choice {
                value: c.slug().into(),
                label: t.get(c.key()).into(),
                selected: *c == typed.category.as_str(),
            })
            .collect(),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The edit form as the rule stands.
fn as_typed(r: &RuleRow) -> RuleForm {
    RuleForm {
        label: r.label.clone(),
        pattern: r.pattern.clone(),
        weight: r.weight.to_string(),
        amount: r.threshold_fen.map(crate::domain::amount::format_yuan).unwrap_or_default(),
        category: r.category.map(|c| c.slug().to_owned()).unwrap_or_default(),
        active: r.active.then(String::new),
    }
}

async fn find(state: &AppState, id: i64) -> Result<RuleRow, AppError> {
    state.db(move |conn| store::find(conn, id)?.ok_or(AppError::NotFound)).await
}

#[get("/supervisor/rules/{id}")]
pub async fn show(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<RuleId>,
) -> Result<HttpResponse, AppError> {
    let rule = find(&state, id.into_inner().0).await?;
    rule_page(&req, &rule, StatusCode::OK, (&as_typed(&rule), &FieldErrors::default()))
}

#[post("/supervisor/rules/{id}")]
pub async fn edit(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<RuleId>,
    form: CsrfForm<RuleForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let id = id.into_inner().0;
    let (sent, by) = (typed.clone(), who.0.user_id);
    let entry = (AuditKind::RiskRuleChanged, service::described(&typed));
    let changed = with_audit(
        &state,
        &req,
        &who,
        entry,
        move |conn, now| service::edit(conn, id, &sent, by, now),
        move |_| format!("risk rule {id}"),
    )
    .await?;
    match changed {
        Ok(_) => Ok(back("/supervisor/rules?done=changed")),
        Err(RuleError::Invalid(errors)) => {
            let rule = find(&state, id).await?;
            rule_page(&req, &rule, StatusCode::UNPROCESSABLE_ENTITY, (&typed, &errors))
        }
        Err(RuleError::NotFound) => Err(AppError::NotFound),
        Err(RuleError::Db(e)) => Err(e.into()),
    }
}

fn back(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", to)).finish()
}

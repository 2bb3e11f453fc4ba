//! What only platform keys may do (the supervisors' side of the API):
//! file a complaint for a consumer ([`filing`]), read the supervisors'
//! queue ([`queue`]) and rule on an escalated complaint ([`rulings`]).
//! A merchant key is refused each with 403.

pub mod filing;
pub mod queue;
pub mod rulings;

use actix_web::HttpRequest;
// utoipa's schema module under another name: `schema::` is the layers
// test's word for diesel's tables, which the web never names.
use utoipa::openapi::{ObjectBuilder, Type, schema as shapes};

use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::staff::Role;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::audit::Actor;
use crate::service::conversation::ActError;
use crate::service::supervision::SuperviseError;
use crate::web::AppState;
use crate::web::api::auth::ApiCaller;
use crate::web::api::problem::{FieldProblem, Problem, ProblemKind, lang_of};
use crate::web::refusal::{Refusal, Refuse};

/// A string schema that is one of `values`.
pub(super) fn one_of(values: &[&'static str], description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
}

/// [`one_of`], or `null` (for an optional field).
pub(super) fn one_of_or_null(values: &[&'static str], description: &str) -> ObjectBuilder {
    let values = values.iter().map(|v| serde_json::Value::from(*v)).chain([serde_json::Value::Null]);
    ObjectBuilder::new()
        .schema_type(shapes::SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values))
        .description(Some(description))
}

/// Why a write refused, as the handler answers it.
enum Refused {
    /// The idempotency key filed a complaint with another body.
    Reused,
    /// What the site's form would have said.
    Site(Refusal),
}

/// 422 for one field (by the API's name for it), with the catalog's `key`.
fn field_problem(t: &Tr, field: &str, key: &str) -> Problem {
    Problem::field(t, field, key, t.get(key).to_owned())
}

/// 422 with the fields `errors` names, by the API's names: the site's
/// ruling form reports the outcome as `resolution`, the API calls it
/// `outcome`.
fn fields_problem(t: &Tr, errors: &FieldErrors, renamed: &[(Field, &str)]) -> Problem {
    let mut p = Problem::fields(t, errors);
    for (e, (field, _)) in p.errors.iter_mut().zip(&errors.0) {
        if let Some((_, name)) = renamed.iter().find(|(f, _)| f == field) {
            e.field = (*name).to_owned();
        }
    }
    p
}

/// A refusal of the site's, as a problem: about a field, 422 with it;
/// otherwise the problem of its status, with its message.
fn problem_of_refusal(t: &Tr, refusal: Refusal) -> Problem {
    let message = refusal.message(t);
    match refusal.field {
        Some(field) => {
            let mut p = Problem::new(t, ProblemKind::Validation);
            p.status = refusal.status.as_u16();
            p.errors.push(FieldProblem { field: field.to_owned(), code: refusal.key.to_owned(), message });
            p
        }
        None => {
            let mut p = Problem::new(t, ProblemKind::of_status(refusal.status)).detail(message);
            p.status = refusal.status.as_u16();
            p
        }
    }
}

/// What the supervisor's service refused, as a problem: the complaint's
/// state is 409 (`state_conflict`, or `changed` when someone acted on it
/// meanwhile), not the form's 422; an unknown complaint is 404.
fn act_problem(t: &Tr, e: SuperviseError) -> Result<Problem, AppError> {
    let conflict = |key: &str| Problem::new(t, ProblemKind::StateConflict).detail(t.get(key));
    Ok(match e {
        SuperviseError::HeldBy(who) => {
            Problem::new(t, ProblemKind::StateConflict).detail(t.fmt("supervisor.held_by_other", &[("who", &who)]))
        }
        SuperviseError::NotEscalated => conflict("supervisor.not_escalated"),
        SuperviseError::NotFlagged => conflict("risk.not_flagged"),
        SuperviseError::Act(ActError::Changed) => Problem::new(t, ProblemKind::Changed),
        SuperviseError::Act(ActError::NotFound) => Problem::new(t, ProblemKind::NotFound),
        SuperviseError::Act(e @ (ActError::Illegal(_) | ActError::NotYet)) => conflict(e.refusal()?.key),
        SuperviseError::Act(ActError::Db(e)) => return Err(e.into()),
    })
}

/// The supervisor a platform key acts as: the one who made it, from the
/// request's address (403 if that account is no supervisor's).
async fn supervisor_of(state: &AppState, req: &HttpRequest, caller: &ApiCaller) -> Result<Actor, actix_web::Error> {
    let id = caller.key.created_by;
    let user = state.db(move |conn| Ok(crate::store::users::find(conn, id)?)).await?;
    match user {
        Some(u) if u.role == Role::Supervisor => {
            Ok(Actor { user_id: Some(u.id), email: u.email, address: state.limiter.client(req).to_string() })
        }
        _ => {
            let t = lang_of(req).tr();
            Err(Problem::new(&t, ProblemKind::Forbidden).detail(t.get("api_platform.no_supervisor")).into())
        }
    }
}

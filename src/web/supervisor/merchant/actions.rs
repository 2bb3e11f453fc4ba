//! `/supervisor/merchants/{id}/actions`: an action taken against the
//! merchant, and a restriction or suspension lifted, each with its reason
//! and its audit entry.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{back, refused};
use crate::config::Config;
use crate::domain::audit::AuditKind;
use crate::error::AppError;
use crate::service::actions as service;
use crate::service::violations::Asked;
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::path::{ActionId, MerchantId};
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::KeptForm;
use chrono::{DateTime, Utc};

/// The action form: which, how many points (a deduction), and why; or,
/// under the violation schedule (`violation` given), the type and level,
/// and lighter points, measure or days with the reason for them.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionFields {
    kind: String,
    points: String,
    reason: String,
    violation: String,
    level: String,
    measure: String,
    days: String,
    mitigation: String,
}

impl ActionFields {
    fn scheduled(&self) -> bool {
        !self.violation.trim().is_empty()
    }

    fn kept(&self) -> KeptForm {
        if self.scheduled() {
            let fields = [
                ("violation", &self.violation),
                ("level", &self.level),
                ("points", &self.points),
                ("measure", &self.measure),
                ("days", &self.days),
                ("mitigation", &self.mitigation),
                ("reason", &self.reason),
            ];
            return KeptForm::new("violation", &fields.map(|(k, v)| (k, v.clone())));
        }
        KeptForm::new(
            "action",
            &[("kind", self.kind.clone()), ("points", self.points.clone()), ("reason", self.reason.clone())],
        )
    }

    /// The audit log's detail: "deduction 10: the reason", or
    /// "price_fraud serious (3 warning: why lighter): the reason".
    fn detail(&self) -> String {
        if self.scheduled() {
            let lighter = format!("{} {} {}", self.points, self.measure, self.days).trim().to_owned();
            let lighter = if lighter.is_empty() { String::new() } else { format!(" ({lighter}: {})", self.mitigation) };
            return format!("{} {}{lighter}: {}", self.violation, self.level, self.reason);
        }
        format!("{} {}", self.kind, self.points).trim().to_owned() + ": " + &self.reason
    }

    fn take(&self, conn: &mut DbConnection, config: &Config, merchant: i64, by: i64, now: DateTime<Utc>) -> Taken {
        if !self.scheduled() {
            return service::take(conn, config, merchant, &self.kind, &self.points, &self.reason, by, now);
        }
        let asked = Asked {
            violation: &self.violation,
            level: &self.level,
            points: &self.points,
            measure: &self.measure,
            days: &self.days,
            reason: &self.reason,
            mitigation: &self.mitigation,
        };
        crate::service::violations::take(conn, config, merchant, &asked, by, now)
    }
}

type Taken = Result<i64, service::ActionError>;

#[post("/supervisor/merchants/{id}/actions")]
pub async fn take_action(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<MerchantId>,
    form: CsrfForm<ActionFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refused(&state, &req, id, Refusal::FORGED, posted.fields.kept()).await,
    };
    let (kept, entry) = (fields.kept(), (AuditKind::ActionTaken, fields.detail()));
    let (config, by) = (state.config.clone(), who.0.user_id);
    let take = move |conn: &mut _, now| fields.take(conn, &config, id.0, by, now);
    match with_audit(&state, &req, &who, entry, take, move |action| format!("merchant {id}, action {action}")).await? {
        Ok(_) => Ok(back(id, "action")),
        Err(e) => refused(&state, &req, id, e.refusal()?, kept).await,
    }
}

/// Why a restriction or suspension is lifted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LiftFields {
    reason: String,
}

impl LiftFields {
    /// The lift form of `action` (one for each action the page lists).
    fn kept(&self, action: ActionId) -> KeptForm {
        KeptForm::new(format!("lift-{action}"), &[("reason", self.reason.clone())])
    }
}

#[post("/supervisor/merchants/{id}/actions/{action}/lift")]
pub async fn lift(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(MerchantId, ActionId)>,
    form: CsrfForm<LiftFields>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refused(&state, &req, id, Refusal::FORGED, posted.fields.kept(action)).await,
    };
    let (kept, entry) = (fields.kept(action), (AuditKind::ActionLifted, fields.reason.clone()));
    let by = who.0.user_id;
    // The action is looked up through the merchant: another's is not found.
    let lift = move |conn: &mut _, now| service::lift(conn, id.0, action.0, &fields.reason, by, now);
    match with_audit(&state, &req, &who, entry, lift, move |()| format!("merchant {id}, action {action}")).await? {
        Ok(()) => Ok(back(id, "lifted")),
        Err(e) => refused(&state, &req, id, e.refusal()?, kept).await,
    }
}

//! `/supervisor/merchants/{id}/appeals/{appeal}`: a submitted appeal
//! granted (the action reversed) or rejected, with reasons.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{back, refused};
use crate::domain::audit::AuditKind;
use crate::error::AppError;
use crate::service::actions as service;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::path::{AppealId, MerchantId};
use crate::web::refusal::{Deciding, Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::KeptForm;

/// The decision form: grant or reject, and why.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionFields {
    decision: String,
    reason: String,
}

impl DecisionFields {
    /// The decision form of `appeal` (one for each appeal waiting).
    fn kept(&self, appeal: AppealId) -> KeptForm {
        KeptForm::new(
            format!("decision-{appeal}"),
            &[("decision", self.decision.clone()), ("reason", self.reason.clone())],
        )
    }

    /// Granted or not; none when neither was chosen.
    fn grant(&self) -> Option<bool> {
        match self.decision.as_str() {
            "grant" => Some(true),
            "reject" => Some(false),
            _ => None,
        }
    }
}

#[post("/supervisor/merchants/{id}/appeals/{appeal}")]
pub async fn decide_appeal(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(MerchantId, AppealId)>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    let (id, appeal) = path.into_inner();
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refused(&state, &req, id, Refusal::FORGED, posted.fields.kept(appeal)).await,
    };
    let (kept, grant) = (fields.kept(appeal), fields.grant());
    let entry = (AuditKind::AppealDecided, format!("{}: {}", fields.decision, fields.reason));
    let (config, by) = (state.config.clone(), who.0.user_id);
    // The appeal is looked up through the merchant: another's is not found.
    let decide =
        move |conn: &mut _, now| service::decide_appeal(conn, &config, id.0, appeal.0, grant, &fields.reason, by, now);
    match with_audit(&state, &req, &who, entry, decide, move |()| format!("merchant {id}, appeal {appeal}")).await? {
        Ok(()) => Ok(back(id, "appeal")),
        Err(e) => refused(&state, &req, id, Deciding(e).refusal()?, kept).await,
    }
}

//! `POST /supervisor/merchants/{id}/deposit`: a top-up or an adjustment
//! on the merchant's deposit ledger (`kind`, `amount` in yuan, `note`; an
//! adjustment's note is its reason), with its audit entry. Refused, the
//! merchant's page comes back (422) with what was typed.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{back, refused};
use crate::domain::audit::AuditKind;
use crate::error::AppError;
use crate::service::deposits as service;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::path::MerchantId;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::KeptForm;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DepositFields {
    kind: String,
    amount: String,
    note: String,
}

impl DepositFields {
    fn kept(&self) -> KeptForm {
        KeptForm::new(
            "deposit",
            &[("kind", self.kind.clone()), ("amount", self.amount.clone()), ("note", self.note.clone())],
        )
    }

    /// The audit log's detail: "adjustment -50: the reason".
    fn detail(&self) -> String {
        format!("{} {}: {}", self.kind.trim(), self.amount.trim(), self.note.trim())
    }
}

#[post("/supervisor/merchants/{id}/deposit")]
pub async fn record_deposit(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<MerchantId>,
    form: CsrfForm<DepositFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refused(&state, &req, id, Refusal::FORGED, posted.fields.kept()).await,
    };
    let (kept, entry) = (fields.kept(), (AuditKind::DepositRecorded, fields.detail()));
    let (config, by) = (state.config.clone(), who.0.user_id);
    let record = move |conn: &mut _, now| {
        service::record(conn, &config, id.0, (&fields.kind, &fields.amount, &fields.note), by, now)
    };
    match with_audit(&state, &req, &who, entry, record, move |e| format!("merchant {id}, deposit entry {e}")).await? {
        Ok(_) => Ok(back(id, "deposit")),
        Err(e) => refused(&state, &req, id, e.refusal()?, kept).await,
    }
}

//! `/supervisor/merchants/{id}/staff`: a staff account for the merchant,
//! with a password shown once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::{page, refused};
use crate::error::AppError;
use crate::service::auth::add_staff_with_temporary_password;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::page::PageCtx;
use crate::web::path::MerchantId;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::view::KeptForm;

/// The e-mail of the account to make.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StaffFields {
    email: String,
}

impl StaffFields {
    fn kept(&self) -> KeptForm {
        KeptForm::new("staff", &[("email", self.email.clone())])
    }
}

#[post("/supervisor/merchants/{id}/staff")]
pub async fn add_staff(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<MerchantId>,
    form: CsrfForm<StaffFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fields = match form.checked() {
        Ok(posted) => posted.fields,
        Err(Forged(posted)) => return refused(&state, &req, id, Refusal::FORGED, posted.fields.kept()).await,
    };
    let (email, clock, by) = (fields.email.clone(), state.clock.clone(), state.actor(&req, &who.0));
    match state.db(move |conn| Ok(add_staff_with_temporary_password(conn, id.0, &email, &by, clock.now()))).await? {
        Ok((_, password)) => created(&state, &req, id, &fields.email, &password).await,
        Err(e) => refused(&state, &req, id, e.refusal()?, fields.kept()).await,
    }
}

/// The page with the new account's password, shown this once.
async fn created(
    state: &AppState,
    req: &HttpRequest,
    id: MerchantId,
    email: &str,
    password: &str,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(req).t;
    let notice =
        t.fmt("merchant_admin.staff_created", &[("email", &email.trim().to_lowercase()), ("password", &password)]);
    page(state, req, id, StatusCode::CREATED, Some((notice, false)), KeptForm::default()).await
}

//! The four lists, each with the form that adds to it: a form sent with a
//! mistake is shown again (422) with every message next to its field and
//! everything typed kept; one that worked sends the browser back to the
//! list (303) with a notice.

mod hosts;
mod products;
mod rooms;
mod sessions;

pub use hosts::{create_host, list_hosts};
pub use products::{create_product, list_products};
pub use rooms::{create_room, list_rooms};
pub use sessions::{create_session, list_sessions};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::{Tab, TabLink, err, tabs};
use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::live::forms::{HostForm, ProductForm, RoomForm, SessionForm};
use crate::domain::live::{HostKind, Platform, ProductCategory};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::live::{self as service, LiveError};
use crate::store::from_db;
use crate::store::live::{self, HostRow, ProductRow, RoomRow, SessionRow};
use crate::web::consumer::Choice;
use crate::web::form::{self, CsrfForm, CsrfListForm};
use crate::web::page::{PageCtx, render};
use crate::web::session::MerchantStaff;
use crate::web::view::{self, FieldView};
use crate::web::{AppState, csrf};

/// `?done=registered` after a form that worked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

fn notice(t: &Tr, done: &Done) -> Option<String> {
    (done.done == "registered").then(|| t.get("live.done_registered").to_owned())
}

fn choices<T: Copy>(
    t: &Tr,
    all: &[T],
    slug: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
    typed: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice { value: slug(*v).into(), label: t.get(key(*v)).into(), selected: slug(*v) == typed.trim() })
        .collect()
}

fn back(path: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("{path}?done=registered"))).finish()
}

/// The service's refusal: its reasons next to the fields; what else is
/// the error page's.
fn refused(e: LiveError) -> Result<(FieldErrors, Vec<ProductRow>), AppError> {
    match e {
        LiveError::Fields(errors, products) => Ok((errors, products)),
        LiveError::Db(e) => Err(e.into()),
    }
}

//! The tracking page's "公开" section: where the complaint stands in the
//! public register, in plain words, and `POST /t/{token}/consent`
//! (`publish` = `1` to give consent, `0` to withdraw it).

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::{back, refused};
use crate::domain::register::{Standing, consent_choice};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::publication;
use crate::store::from_db;
use crate::store::register::Entry;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::path::Token;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::view::{self, TimeView};

/// Where the complaint stands in the register, as its consumer is told.
pub struct RegisterView {
    /// `not_consented`, `due`, `published` or `hidden` (`data-register`).
    pub standing: &'static str,
    /// What that means, in a sentence or two.
    pub said: String,
    /// When it is to be published (consented, not yet due).
    pub due: Option<TimeView>,
    /// Its public page, once published.
    pub link: Option<String>,
    /// The consent is given: the form withdraws it (else gives it).
    pub consented: bool,
}

impl RegisterView {
    /// `entry` is the complaint's register row, if it has one.
    pub fn new(t: &Tr, tz: Tz, entry: Option<&Entry>, reference: &str, now: DateTime<Utc>) -> RegisterView {
        let standing = entry.map_or(Standing::NotConsented, |e| {
            Standing::of(e.consent, e.hidden_at.is_some(), from_db(e.publish_at), now)
        });
        let (due, link) = match standing {
            Standing::Due(at) => (Some(view::time(t, tz, at)), None),
            Standing::Published => (None, Some(format!("/cases/{reference}"))),
            Standing::NotConsented | Standing::Hidden => (None, None),
        };
        let said = match standing {
            Standing::Due(at) => t.fmt("consent.state_due", &[("date", &t.time(tz, at))]),
            Standing::NotConsented => t.get("consent.state_not_consented").to_owned(),
            Standing::Published => t.get("consent.state_published").to_owned(),
            Standing::Hidden => t.get("consent.state_hidden").to_owned(),
        };
        RegisterView { standing: standing.slug(), said, due, link, consented: standing != Standing::NotConsented }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConsentFields {
    publish: String,
}

#[post("/t/{token}/consent")]
pub async fn consent(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
    form: CsrfForm<ConsentFields>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let sent = match form.checked() {
        Ok(posted) => posted.fields.publish,
        Err(Forged(_)) => return refused(&state, &req, token, Refusal::FORGED, None).await,
    };
    let Some(publish) = consent_choice(&sent) else {
        return refused(&state, &req, token, Refusal::unprocessable("consent.choose"), None).await;
    };
    let (lookup, clock) = (token.clone(), state.clock.clone());
    let result = state.db(move |conn| Ok(publication::set_consent(conn, &lookup, publish, clock.now()))).await?;
    match result {
        // Asked twice, the answer is the same: it is so.
        Ok(_) => Ok(back(&token, if publish { "consent_given" } else { "consent_withdrawn" })),
        Err(e) => refused(&state, &req, token, e.refusal()?, None).await,
    }
}

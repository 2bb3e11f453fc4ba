//! The supervisors' register panel on a complaint's page: the consumer's
//! consent and since when, when it is (or was) published, whether the
//! public sees it now, the merchant's public response, and who hid it,
//! when and why; with the forms to hide it (a reason required) and show
//! it again, posted to `/supervisor/complaints/{reference}/register/{hide,
//! unhide}`, each with its audit entry in the same transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::{Typed, page};
use crate::domain::audit::{AuditKind, bounded};
use crate::domain::register::{HIDE_REASON_MAX, Standing, hide_reason};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::publication;
use crate::store::from_db;
use crate::store::register::Entry;
use crate::web::AppState;
use crate::web::form::{CsrfForm, Forged};
use crate::web::page::PageCtx;
use crate::web::path::Reference;
use crate::web::refusal::{Refusal, Refuse};
use crate::web::session::Supervisor;
use crate::web::supervisor::with_audit;
use crate::web::view::{self, FieldView, TimeView};

/// What the panel shows of a case in the register.
pub struct RegisterPanel {
    /// `not_consented`, `due`, `published` or `hidden`; empty when the
    /// complaint has no register row at all.
    pub standing: &'static str,
    pub standing_label: String,
    /// The consent as it stands, and when it was last given or withdrawn.
    pub consent: Option<(bool, TimeView)>,
    /// When a consented case is (or was) published.
    pub publish_at: Option<TimeView>,
    /// The public sees it now.
    pub listed: bool,
    /// The merchant's public response, in the reader's words.
    pub response: Option<String>,
    /// Who hid it (their e-mail), when and why.
    pub hidden: Option<(String, TimeView, String)>,
    /// The hide form's reason, as typed, with what is wrong with it.
    pub reason: FieldView,
}

impl RegisterPanel {
    /// `entry` is the complaint's register row and the e-mail of whoever
    /// hid it; `typed` the reason typed into the hide form and its error.
    pub fn new(
        t: &Tr,
        tz: Tz,
        entry: Option<&(Entry, Option<String>)>,
        typed: (&str, Option<String>),
        now: DateTime<Utc>,
    ) -> Self {
        let reason = FieldView::new(t, "register_staff.reason", typed.0, typed.1).with_id("hide-reason");
        let Some((e, hider)) = entry else {
            return RegisterPanel {
                standing: "",
                standing_label: t.get("register_staff.no_entry").to_owned(),
                consent: None,
                publish_at: None,
                listed: false,
                response: None,
                hidden: None,
                reason,
            };
        };
        let standing = Standing::of(e.consent, e.hidden_at.is_some(), from_db(e.publish_at), now);
        let key = match standing {
            Standing::NotConsented => "register_staff.standing_not_consented",
            Standing::Due(_) => "register_staff.standing_due",
            Standing::Published => "register_staff.standing_published",
            Standing::Hidden => "register_staff.standing_hidden",
        };
        let time = |at| view::time(t, tz, from_db(at));
        RegisterPanel {
            standing: standing.slug(),
            standing_label: t.get(key).to_owned(),
            consent: Some((e.consent, time(e.consent_at))),
            publish_at: e.consent.then(|| time(e.publish_at)),
            listed: e.is_listed(now),
            response: e.response.map(|r| t.get(r.key()).to_owned()),
            hidden: e.hidden_at.map(|at| {
                let who = hider.clone().unwrap_or_default();
                (who, time(at), e.hidden_reason.clone().unwrap_or_default())
            }),
            reason,
        }
    }
}

/// What a supervisor does with a case in the register (any other last
/// segment is not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegisterCommand {
    Hide,
    Unhide,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HideFields {
    reason: String,
}

#[post("/supervisor/complaints/{reference}/register/{command}")]
pub async fn in_register(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    path: web::Path<(Reference, RegisterCommand)>,
    form: CsrfForm<HideFields>,
) -> Result<HttpResponse, AppError> {
    let (reference, command) = path.into_inner();
    let t = PageCtx::new(&req).t;
    let typed = match form.checked() {
        Ok(posted) => posted.fields.reason,
        Err(Forged(posted)) => {
            let notice = Some((Refusal::FORGED.message(&t), true));
            let typed = Typed { hide: (posted.fields.reason, None), notice, ..Typed::default() };
            return page(&state, &req, &who, reference, Refusal::FORGED.status, typed).await;
        }
    };
    let (config, user_id, subject) = (state.config.clone(), who.0.user_id, format!("complaint {reference}"));
    let path = reference.clone();
    let done = match command {
        RegisterCommand::Hide => {
            let reason = match hide_reason(&typed) {
                Ok(reason) => reason,
                Err(why) => {
                    let error = Some(t.fmt(why.key(), &[("n", &HIDE_REASON_MAX)]));
                    let typed = Typed { hide: (typed, error), ..Typed::default() };
                    return page(&state, &req, &who, reference, StatusCode::UNPROCESSABLE_ENTITY, typed).await;
                }
            };
            let audit = (AuditKind::RegisterHidden, bounded(&reason));
            let hide = move |conn: &mut _, now| publication::hide(conn, &config, &path, user_id, &reason, now);
            with_audit(&state, &req, &who, audit, hide, move |_| subject).await?
        }
        RegisterCommand::Unhide => {
            let audit = (AuditKind::RegisterUnhidden, String::new());
            let unhide = move |conn: &mut _, now| publication::unhide(conn, &path, user_id, now);
            with_audit(&state, &req, &who, audit, unhide, move |_| subject).await?
        }
    };
    match done {
        Ok(_) => {
            let done = if command == RegisterCommand::Hide { "register_hidden" } else { "register_unhidden" };
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/supervisor/complaints/{reference}?done={done}")))
                .finish())
        }
        Err(e) => {
            let refusal = e.refusal()?;
            let typed = Typed { hide: (typed, None), notice: Some((refusal.message(&t), true)), ..Typed::default() };
            page(&state, &req, &who, reference, refusal.status, typed).await
        }
    }
}

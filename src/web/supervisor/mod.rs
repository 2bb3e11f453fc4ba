//! The supervisors' part of the site: the queue (high-risk complaints,
//! then escalations), each complaint with its ruling, the risk rules, the
//! overview and the export.

mod audit;
mod case_view;
mod cases;
mod complaint;
mod deposits;
pub mod export;
mod flags;
mod incidents;
mod inspections;
mod live;
mod mail;
mod merchant;
mod merchants;
mod overview;
mod products;
mod queue;
pub mod relief_form;
pub mod reports;
mod rules;
mod violations;

pub use complaint::ruling;

use actix_web::{HttpRequest, web};
use chrono::{DateTime, Utc};

use crate::domain::audit::AuditKind;
use crate::error::AppError;
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::session::Supervisor;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(merchants::list).service(merchants::new_form).service(merchants::create);
    cfg.service(merchant::show)
        .service(merchant::add_staff)
        .service(merchant::take_action)
        .service(merchant::lift)
        .service(merchant::decide_appeal)
        .service(merchant::record_deposit);
    cfg.service(deposits::list).service(deposits::edit);
    cfg.service(flags::list).service(flags::decide_flag);
    cfg.service(products::queue).service(products::decide);
    cfg.service(incidents::list).service(incidents::show).service(cases::decide);
    // `new` before `{id}`, which would take it for an id (and refuse it).
    cfg.service(inspections::list)
        .service(inspections::new_form)
        .service(inspections::create)
        .service(inspections::evidence)
        .service(inspections::show)
        .service(inspections::act);
    cfg.service(reports::list).service(reports::screenshot).service(reports::show).service(reports::decide);
    cfg.service(live::show_room)
        .service(live::show_host)
        .service(live::show_product)
        .service(live::room_measure)
        .service(live::host_measure);
    cfg.service(mail::list).service(mail::retry);
    cfg.service(audit::list);
    // The thresholds before `{violation}/{level}`, which would take them.
    cfg.service(violations::show).service(violations::edit_threshold).service(violations::edit_entry);
    cfg.service(rules::list).service(rules::add).service(rules::show).service(rules::edit);
    cfg.service(queue::queue)
        .service(overview::show)
        .service(export::export)
        .service(complaint::show)
        .service(complaint::in_register)
        .service(complaint::act);
}

/// Runs `write` (a service call, given the time) and records what `who`
/// did on the staff audit log, `kind` with `detail`, in one transaction:
/// `subject` names what was written, from its result.
async fn with_audit<T, E, F, S>(
    state: &AppState,
    req: &HttpRequest,
    who: &Supervisor,
    (kind, detail): (AuditKind, String),
    write: F,
    subject: S,
) -> Result<Result<T, E>, AppError>
where
    F: FnOnce(&mut DbConnection, DateTime<Utc>) -> Result<T, E> + Send + 'static,
    S: FnOnce(&T) -> String + Send + 'static,
    T: Send + 'static,
    E: From<crate::store::QueryError> + Send + 'static,
{
    let (actor, clock) = (state.actor(req, &who.0), state.clock.clone());
    state
        .db(move |conn| {
            let now = clock.now();
            Ok(crate::service::audit::audited(conn, &actor, (kind, &detail), now, |conn| write(conn, now), subject))
        })
        .await
}

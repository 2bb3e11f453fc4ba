//! The supervisors' part of the site: the escalation queue, each
//! complaint with its ruling, the overview and the export.

mod complaint;
pub mod export;
mod overview;
mod queue;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(queue::queue)
        .service(overview::show)
        .service(export::export)
        .service(complaint::show)
        .service(complaint::claim)
        .service(complaint::release)
        .service(complaint::rule);
}

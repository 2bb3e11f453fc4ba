//! The supervisors' part of the site: the escalation queue, each
//! complaint with its ruling, the overview and the export.

mod audit;
mod complaint;
pub mod export;
mod flags;
mod mail;
mod merchant;
mod merchants;
mod overview;
mod queue;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(merchants::list).service(merchants::new_form).service(merchants::create);
    cfg.service(merchant::show)
        .service(merchant::add_staff)
        .service(merchant::take_action)
        .service(merchant::lift)
        .service(merchant::decide_appeal);
    cfg.service(flags::list).service(flags::decide_flag);
    cfg.service(mail::list).service(mail::retry);
    cfg.service(audit::list);
    cfg.service(queue::queue)
        .service(overview::show)
        .service(export::export)
        .service(complaint::show)
        .service(complaint::act);
}

//! The merchant response portal: a merchant's staff see only their own
//! complaints, nearest deadline first, and answer them.

mod actions;
mod answer;
mod complaint;
mod dashboard;
mod deposit;
mod live;
mod public_response;
pub(crate) mod quick_reply;
mod templates;
mod violations;
mod webhook_view;
mod webhooks;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(deposit::show);
    cfg.service(actions::show).service(actions::start).service(actions::submit);
    cfg.service(violations::show);
    cfg.service(live::list_rooms).service(live::create_room).service(live::show_room);
    cfg.service(live::list_hosts).service(live::create_host).service(live::show_host);
    cfg.service(live::list_products).service(live::create_product).service(live::show_product);
    cfg.service(live::list_sessions).service(live::create_session).service(live::show_session);
    cfg.service(templates::list).service(templates::create).service(templates::update).service(templates::delete);
    cfg.service(quick_reply::use_template);
    cfg.service(webhooks::list).service(webhooks::create).service(webhooks::show).service(webhooks::update);
    cfg.service(webhooks::disable).service(webhooks::enable).service(webhooks::delete);
    cfg.service(webhooks::roll).service(webhooks::ping);
    cfg.service(dashboard::dashboard).service(complaint::show).service(answer::reply).service(answer::propose);
    cfg.service(public_response::choose);
}

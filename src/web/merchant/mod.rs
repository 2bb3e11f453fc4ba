//! The merchant response portal: a merchant's staff see only their own
//! complaints, nearest deadline first, and answer them.

mod actions;
mod answer;
mod complaint;
mod dashboard;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(actions::show).service(actions::start).service(actions::submit);
    cfg.service(dashboard::dashboard).service(complaint::show).service(answer::reply).service(answer::propose);
}

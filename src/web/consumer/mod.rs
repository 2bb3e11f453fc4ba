//! The consumer's part of the site: no account, a private link instead.

pub mod file;
mod find;
mod home;
pub mod scorecard;
mod tracking;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(home::home)
        .service(file::new_form)
        .service(file::form_action)
        .service(file::submit)
        .service(tracking::show)
        .service(tracking::send_link)
        .service(tracking::reply)
        .service(tracking::ask_platform)
        .service(tracking::rate)
        // After the fixed paths under /t/{token}/ it would otherwise shadow.
        .service(tracking::decide)
        .service(find::track)
        .service(scorecard::list)
        .service(scorecard::show);
}

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

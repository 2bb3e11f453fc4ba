//! The public register (公示): `/cases`, a page of published cases with
//! filters and a search in Chinese; `/cases/{reference}`, one case; and
//! its open data files. Nothing here is for the consumer's eyes only: a
//! case is shown only once published, scrubbed, and without evidence,
//! contact or tracking link.

mod case;
mod files;
mod list;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    // The files before the case: `/cases/merchants.json` is no reference.
    cfg.service(files::cases_csv)
        .service(files::cases_json)
        .service(files::merchants_json)
        .service(list::list)
        .service(case::show);
}

//! The consumer's part of the site: no account, a private link instead.

mod cases;
pub mod file;
mod find;
mod home;
mod merchant_list;
mod my;
mod privacy;
mod report;
pub mod scorecard;
mod tracking;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::web::AppState;
use crate::web::limit::{self, Scope};
use crate::web::refusal::Refusal;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cases::routes(cfg);
    cfg.service(home::home)
        .service(file::new_form)
        .service(file::form_action)
        .service(file::submit)
        .service(file::send_code)
        .service(tracking::show)
        .service(tracking::send_link)
        .service(tracking::reply)
        .service(tracking::ask_platform)
        .service(tracking::rate)
        .service(tracking::relief_answer)
        .service(tracking::give_or_withdraw)
        // After the fixed paths under /t/{token}/ it would otherwise shadow.
        .service(tracking::decide)
        .service(find::track)
        .service(find::look_up)
        .service(merchant_list::list)
        .service(scorecard::show)
        .service(my::show)
        .service(my::send)
        .service(my::prove)
        .service(privacy::show)
        .service(report::show_form)
        .service(report::thanks)
        .service(report::send);
}

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Too many requests of one kind from this address: how long to wait.
struct Limited(chrono::Duration);

impl Limited {
    /// Counts this request against its address's allowance for `scope`.
    fn check(state: &AppState, req: &HttpRequest, scope: Scope) -> Result<(), Limited> {
        state.limiter.check(scope, req, state.clock.now()).map_err(Limited)
    }

    /// 429, "please try again in {n} seconds".
    fn refusal(&self) -> Refusal {
        let n = usize::try_from(limit::seconds(self.0)).ok();
        Refusal { status: StatusCode::TOO_MANY_REQUESTS, n, ..Refusal::unprocessable("error.rate_limited") }
    }

    /// `res` (the page that says so) with its `Retry-After`.
    fn answer(&self, mut res: HttpResponse) -> HttpResponse {
        limit::retry_after(&mut res, self.0);
        res
    }
}

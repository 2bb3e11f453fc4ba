//! Each request counted and timed for `/metrics`, and logged in one line
//! with the tracking token redacted.

use std::time::Instant;

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};

use crate::web::metrics::bounded;

/// The longest method and path a log line holds.
const LOGGED_MAX: usize = 200;

/// What the log line says of the request, taken before it is handled.
pub struct Logged {
    started: Instant,
    method: String,
    path: String,
}

impl Logged {
    pub fn of(req: &ServiceRequest, started: Instant) -> Logged {
        // A client chooses both (a 60,000-character method, a path of
        // megabytes): the log keeps their start only.
        let method = bounded(req.method().as_str(), LOGGED_MAX).to_owned();
        let path = bounded(&redact(req.path()), LOGGED_MAX).to_owned();
        Logged { started, method, path }
    }

    /// Counts and times the answer, and logs it in the request's span.
    pub fn answered(self, res: &ServiceResponse<BoxBody>, span: &tracing::Span) {
        let Logged { started, method, path } = self;
        let status = res.status().as_u16();
        let elapsed = started.elapsed();
        if let Some(state) = res.request().app_data::<actix_web::web::Data<crate::web::AppState>>() {
            state.metrics.observe(
                res.request().method().as_str(),
                res.request().match_pattern().as_deref(),
                status,
                elapsed.as_secs_f64(),
            );
        }
        span.in_scope(|| tracing::info!(%method, %path, status, ms = elapsed.as_millis() as u64, "request"));
    }
}

/// The tracking token is a password: it never reaches the logs.
pub fn redact(path: &str) -> String {
    match path.strip_prefix("/t/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, tail)) => format!("/t/[token]/{tail}"),
            None => "/t/[token]".into(),
        },
        None => path.to_owned(),
    }
}

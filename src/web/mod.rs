//! HTTP: thin handlers that parse, call a service and render a template.

pub mod account;
pub mod api;
pub mod api_keys;
pub mod assets;
pub mod auth;
pub mod chart;
pub mod complaint_view;
pub mod consumer;
pub mod csrf;
pub mod deadline;
pub mod deposit_view;
pub mod evidence;
pub mod form;
pub mod health;
pub mod limit;
pub mod list_row;
pub mod merchant;
pub mod metrics;
pub mod notice;
pub mod page;
pub mod path;
pub mod refusal;
pub mod relief_view;
pub mod schedule;
pub mod session;
pub mod site;
pub mod supervisor;
pub mod two_factor;
pub mod view;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::cookie::Key;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::progress::Progress;
use crate::error::AppError;
use crate::store::complaints::Complaint;
use crate::store::{DbConnection, Pool};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    /// Encrypts the session cookie.
    pub session_key: Key,
    /// This instance's request counts and latencies.
    pub metrics: Arc<metrics::Metrics>,
    /// The merchants last read for the complaint form, offered again when
    /// the database cannot be reached, so the form still shows what the
    /// consumer picked.
    pub merchant_choices: Arc<std::sync::Mutex<Arc<Vec<crate::store::merchants::MerchantChoice>>>>,
    /// SQLite's group-commit writer, for the writes that come in bursts
    /// (new complaints); `None` on PostgreSQL.
    pub writer: Option<Arc<crate::store::writer::Writer>>,
    /// Requests per client address (`REDRESS_RATE_LIMIT`).
    pub limiter: Arc<limit::Limiter>,
    /// Turns at decoding evidence images, weighted by the memory each
    /// takes: large photos take turns, small ones do not wait behind them.
    pub decoding: Arc<evidence::Decoding>,
}

impl AppState {
    /// A complaint's progress caught up to `now`: what the sweeper will
    /// record, shown even before it has (pages never write).
    pub fn progress_at(&self, c: &Complaint, now: chrono::DateTime<chrono::Utc>) -> Progress {
        let mut progress = c.progress();
        progress.catch_up(self.config.policy.consumer_silence, now);
        progress
    }

    /// Who `staff` is for the audit log, and where this request came from.
    pub fn actor(&self, req: &actix_web::HttpRequest, staff: &session::Staff) -> crate::service::audit::Actor {
        crate::service::audit::Actor {
            user_id: Some(staff.user_id),
            email: staff.email.clone(),
            address: self.limiter.client(req).to_string(),
        }
    }

    /// Records `kind` of `who` on the staff audit log in a transaction of
    /// its own, for what has already committed in its own (an action taken,
    /// an export, a file opened).
    pub async fn audit(
        &self,
        who: crate::service::audit::Actor,
        kind: crate::domain::audit::AuditKind,
        subject: String,
        detail: String,
    ) -> Result<(), AppError> {
        let clock = self.clock.clone();
        self.write(move |conn| Ok(crate::service::audit::record(conn, &who, kind, &subject, &detail, clock.now())?))
            .await
    }

    /// Runs the write `f` inside a transaction: a savepoint in a batch of
    /// the group-commit writer on SQLite, a transaction on a pooled
    /// connection of its own on PostgreSQL. Answers once it is committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(f).await,
            None => self.db(move |conn| conn.write(f)).await,
        }
    }

    /// Runs `f` on a pooled connection off the async workers.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        // The request's span (its id) follows the work onto the thread.
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz).service(metrics::metrics).service(assets::asset);
    api::routes(cfg);
    api_keys::routes(cfg);
    // Before the consumer's routes: `/t/{token}/{decision}` would take it.
    evidence::routes(cfg);
    consumer::routes(cfg);
    auth::routes(cfg);
    account::routes(cfg);
    merchant::routes(cfg);
    supervisor::routes(cfg);
    two_factor::routes(cfg);
}

/// The HTTP server on an already bound listener.
/// `connections` is each worker's cap (see `startup::connection_cap`).
pub fn server(state: AppState, listener: TcpListener, workers: usize, connections: usize) -> std::io::Result<Server> {
    let secure = state.config.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let key = state.session_key.clone();
    let lifetimes = state.config.sessions;
    let drain = state.config.shutdown_timeout.as_secs();
    // Database work runs on blocking threads, each waiting for one of the
    // pool's connections: more threads than connections only wait, and
    // each thread that ever ran keeps memory of its own (the allocator's
    // per-thread arenas).
    let blocking = (state.config.pool_size as usize).div_ceil(workers.max(1)) + 1;
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(path::config())
            .wrap(from_fn(session::resolve))
            .wrap(session::middleware(key.clone(), secure, lifetimes))
            .wrap(from_fn(site::site))
            .configure(routes)
            .default_service(web::to(|| async { Err::<actix_web::HttpResponse, _>(AppError::NotFound) }))
    })
    .workers(workers)
    .worker_max_blocking_threads(blocking)
    .max_connections(connections)
    // SIGTERM (or SIGINT): stop accepting, let requests under way finish
    // for up to this long, then return from `run`.
    .shutdown_timeout(drain)
    .listen(listener)?
    .run();
    Ok(server)
}

//! HTTP: thin handlers that parse, call a service and render a template.

pub mod assets;
pub mod consumer;
pub mod csrf;
pub mod form;
pub mod health;
pub mod page;
pub mod site;
pub mod view;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::clock::Clock;
use crate::config::Config;
use crate::error::AppError;
use crate::store::{DbConnection, Pool};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
}

impl AppState {
    /// Runs `f` on a pooled connection off the async workers.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz).service(assets::asset);
    consumer::routes(cfg);
}

/// The HTTP server on an already bound listener.
pub fn server(state: AppState, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(from_fn(site::site))
            .configure(routes)
            .default_service(web::to(|| async { Err::<actix_web::HttpResponse, _>(AppError::NotFound) }))
    })
    .workers(workers)
    .listen(listener)?
    .run();
    Ok(server)
}

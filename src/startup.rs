//! Building the application: config → pool → migrations → HTTP server.
//! Used by `main` and by the integration tests, which start the real thing
//! on port 0 against a fresh database.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::Server;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::{self, Pool, StoreError};
use crate::web::{self, AppState};

/// Connects to the database and brings its schema up to date.
pub fn prepare(config: &Config) -> Result<Pool, StoreError> {
    let pool = store::connect(&config.database_url, config.pool_size)?;
    let mut conn = pool.get()?;
    for name in store::migrate(&mut conn)? {
        tracing::info!(migration = %name, "applied");
    }
    Ok(pool)
}

pub struct Application {
    pub addr: SocketAddr,
    pub server: Server,
}

impl Application {
    /// Binds `config.bind` (port 0 picks a free port) and builds the server;
    /// it runs when `server` is awaited.
    pub fn build(config: Config, pool: Pool, clock: Arc<dyn Clock>, workers: usize) -> std::io::Result<Application> {
        let listener = TcpListener::bind(&config.bind)?;
        let addr = listener.local_addr()?;
        let state = AppState { pool, clock, config: Arc::new(config) };
        let server = web::server(state, listener, workers)?;
        Ok(Application { addr, server })
    }
}

//! Building the application: config → pool → migrations → HTTP server.
//! Used by `main` and by the integration tests, which start the real thing
//! on port 0 against a fresh database.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::cookie::Key;
use actix_web::dev::Server;
use rand::RngCore;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::{self, Pool, StoreError};
use crate::web::{self, AppState};

/// Connects to the database and brings its schema up to date.
pub fn prepare(config: &Config) -> Result<Pool, StoreError> {
    let pool = store::connect(&config.database_url, config.pool_size, config.db_timeout)?;
    let mut conn = pool.get()?;
    for name in store::migrate(&mut conn)? {
        tracing::info!(migration = %name, "applied");
    }
    Ok(pool)
}

/// One migrated connection for a command that runs once (no pool, so no
/// background threads to outlive it).
pub fn prepare_one(config: &Config) -> Result<store::DbConnection, StoreError> {
    let mut conn = store::connect_one(&config.database_url)?;
    for name in store::migrate(&mut conn)? {
        tracing::info!(migration = %name, "applied");
    }
    Ok(conn)
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
        let session_key = session_key(&config)?;
        crate::service::auth::warm_up();
        let metrics = Arc::default();
        let writer = store::writer::Writer::start(&config.database_url, config.db_timeout)
            .map_err(std::io::Error::other)?
            .map(Arc::new);
        if config.rate_limits.sign_ins.is_none() {
            tracing::warn!(
                "REDRESS_RATE_LIMIT turns sign-in throttling off: staff passwords can be guessed as fast as the \
                 server answers. For load tests only, never in production"
            );
        }
        let limiter = Arc::new(web::limit::Limiter::new(config.rate_limits, config.trusted_proxies.clone()));
        let state = AppState {
            pool,
            clock,
            config: Arc::new(config),
            session_key,
            metrics,
            merchant_choices: Arc::default(),
            writer,
            limiter,
            decoding: Arc::new(tokio::sync::Semaphore::new(web::evidence::DECODING_AT_ONCE)),
        };
        let server = web::server(state, listener, workers)?;
        Ok(Application { addr, server })
    }
}

/// The key that encrypts session cookies: derived from `REDRESS_SECRET`, or
/// generated once and kept in `data_dir/session.key` (readable by the
/// owner only), so that sessions survive a restart.
pub fn session_key(config: &Config) -> std::io::Result<Key> {
    if let Some(secret) = &config.secret {
        return Ok(Key::derive_from(secret.as_bytes()));
    }
    let path = config.data_dir.join("session.key");
    if let Ok(hex) = std::fs::read_to_string(&path) {
        let bytes: Option<Vec<u8>> = (0..hex.trim().len())
            .step_by(2)
            .map(|i| hex.trim().get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect();
        if let Some(bytes) = bytes.filter(|b| b.len() == 64) {
            return Ok(Key::from(&bytes));
        }
        return Err(std::io::Error::other(format!(
            "{} is not a 64-byte hex key; delete it to make a new one",
            path.display()
        )));
    }
    let mut bytes = [0u8; 64];
    rand::rng().fill_bytes(&mut bytes);
    std::fs::create_dir_all(&config.data_dir)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(&path)?, hex.as_bytes())?;
    Ok(Key::from(&bytes))
}

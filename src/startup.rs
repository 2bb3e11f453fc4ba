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
        listen_backlog(&listener, BACKLOG)?;
        let addr = listener.local_addr()?;
        let connections = connection_cap(raise_fd_limit(), config.pool_size, workers);
        tracing::debug!(connections, "connections per worker");
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
        if config.webhooks.allow_local {
            tracing::warn!(
                "REDRESS_WEBHOOK_ALLOW_LOCAL lets webhooks reach loopback and private addresses over plain http: any \
                 merchant's staff can make the server call inside its network. For tests only, never in production"
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
            decoding: Arc::default(),
        };
        let server = web::server(state, listener, workers, connections)?;
        Ok(Application { addr, server })
    }
}

/// Connections waiting to be accepted. std listens with 128, which a burst
/// of clients fills at once, and then new ones wait for SYN retries.
const BACKLOG: i32 = 2048;

/// File handles kept for what is not a client's connection: the database
/// pool, SQLite's files, evidence being written, the mail transport, logs.
const RESERVED_FDS: u64 = 256;

/// Asks again to listen on `listener`, with room for `backlog` waiting
/// connections (on Linux, `listen` on a listening socket resizes it).
fn listen_backlog(listener: &TcpListener, backlog: i32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: `listen` on a descriptor this listener owns, open for
        // the call; it touches no memory of ours.
        if unsafe { libc::listen(listener.as_raw_fd(), backlog) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    let _ = (listener, backlog);
    Ok(())
}

/// Raises this process's soft limit on open files to its hard limit (many
/// systems start services at 1,024, which 1,000 idle clients use up) and
/// returns the limit in force.
#[allow(clippy::unnecessary_cast)] // `rlim_t` is not u64 everywhere
pub fn raise_fd_limit() -> u64 {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: get/setrlimit read and write the one struct passed.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
        limit.rlim_cur as u64
    }
    #[cfg(not(unix))]
    1024
}

/// Connections each worker holds at once, so that however many clients
/// connect (2,000 trickling bodies, say) the server keeps the file handles
/// its database and files need: past the cap, new connections wait in the
/// backlog until one is answered or times out.
pub fn connection_cap(fd_limit: u64, pool_size: u32, workers: usize) -> usize {
    let spare = fd_limit.saturating_sub(RESERVED_FDS + 2 * u64::from(pool_size));
    (spare / workers.max(1) as u64).clamp(32, 25_000) as usize
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

#[cfg(test)]
mod tests {
    use super::connection_cap;

    #[test]
    fn connections_leave_file_handles_for_the_rest() {
        assert_eq!(connection_cap(1024, 8, 2), (1024 - 256 - 16) / 2);
        assert_eq!(connection_cap(1_048_576, 8, 2), 25_000, "actix's own default at most");
        assert_eq!(connection_cap(100, 8, 2), 32, "a few even when the limit is tiny");
    }
}

//! Persistence with diesel. One [`DbConnection`] enum serves SQLite (the
//! embedded default) and PostgreSQL through the same query code; the backend
//! is chosen from the URL's scheme, migrations are embedded per backend.
//!
//! - `connection`: the backend, the connection enum, its pragmas, the pool;
//! - `transaction`: [`DbConnection::write`], a transaction that will write;
//! - `prepared`: statements the hot paths keep prepared ([`update`], `on_backend!`);
//! - `columns`: how values sit in columns (times in UTC, slugs as typed text);
//! - `upkeep`: migrations and backups;
//! - one module per table or page for the queries.

pub mod actions;
pub mod api_idempotency;
pub mod api_keys;
pub mod api_list;
pub mod audit;
pub mod cases;
mod columns;
pub mod complaints;
mod connection;
pub mod dashboard;
pub mod deposits;
pub mod evidence;
pub mod flags;
mod gate;
pub mod gauges;
pub mod incidents;
pub mod inspections;
pub mod jobs;
pub mod live;
pub mod merchant_figures;
pub mod merchants;
pub mod outbox;
pub mod phone_codes;
mod prepared;
pub mod published;
pub mod published_export;
pub mod published_index;
pub mod ratings;
pub mod register;
pub mod reliefs;
pub mod reply_templates;
pub mod report;
pub mod reports;
pub mod retention;
pub mod risk;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod supervision;
pub mod sweep;
mod transaction;
pub mod two_factor;
mod upkeep;
pub mod users;
pub mod violations;
pub mod webhook_deliveries;
pub mod webhooks;
pub mod writer;

use std::path::PathBuf;

use diesel::r2d2;

pub use columns::{AsText, from_db, to_db};
pub use complaints::state_is;
pub use connection::{Backend, DbConnection, DbManager, MultiBackend, Pool, WAL_BACKSTOP_PAGES, connect, connect_one};
pub use prepared::{Update, update};
pub use upkeep::{backup, migrate};

/// What a query fails with, for the layers above that pass it on without
/// naming diesel.
pub type QueryError = diesel::result::Error;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL {0:?}: use sqlite://PATH or postgres://…")]
    UnknownScheme(String),
    #[error("cannot create {0}: {1}")]
    Directory(PathBuf, std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] r2d2::PoolError),
    #[error("cannot connect to the database: {0}")]
    Open(String),
    #[error("migrations failed: {0}")]
    Migrate(String),
    #[error("no backup made: {0}")]
    Backup(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

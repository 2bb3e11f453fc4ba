//! PLACEHOLDER until the deposits branch merges (replaced by its file).
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::store::DbConnection;

pub fn compensate(
    _conn: &mut DbConnection,
    _config: &Config,
    _merchant_id: i64,
    _complaint_id: i64,
    _fen: i64,
    _by: i64,
    _now: DateTime<Utc>,
) -> diesel::QueryResult<i64> {
    Ok(0)
}

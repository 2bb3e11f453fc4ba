//! The idempotency keys of the API's complaint filing: which complaint a
//! key (of one API key) filed, and the SHA-256 of the body it came with.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::api_idempotency;
use super::{DbConnection, to_db};

/// What a key was first used for.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = api_idempotency)]
pub struct Remembered {
    pub complaint_id: i64,
    pub body_sha256: String,
}

/// The complaint `idem_key` of the API key `api_key_id` filed, if any.
pub fn find(conn: &mut DbConnection, api_key_id: i64, idem_key: &str) -> QueryResult<Option<Remembered>> {
    api_idempotency::table
        .filter(api_idempotency::api_key_id.eq(api_key_id))
        .filter(api_idempotency::idem_key.eq(idem_key))
        .select(Remembered::as_select())
        .first(conn)
        .optional()
}

/// Remembers that `idem_key` filed `complaint_id` with a body of hash
/// `body_sha256`. A key used already is a unique violation (two requests
/// with one key at once): the caller rolls back and answers the first.
pub fn insert(
    conn: &mut DbConnection,
    api_key_id: i64,
    idem_key: &str,
    body_sha256: &str,
    complaint_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(api_idempotency::table)
        .values((
            api_idempotency::api_key_id.eq(api_key_id),
            api_idempotency::idem_key.eq(idem_key),
            api_idempotency::body_sha256.eq(body_sha256),
            api_idempotency::complaint_id.eq(complaint_id),
            api_idempotency::created_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Forgets the keys used before `before` (a range over the `created_at`
/// index); returns how many.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(api_idempotency::table.filter(api_idempotency::created_at.lt(to_db(before)))).execute(conn)
}

/// Forgets the keys that filed the complaints `ids` (which are being
/// removed).
pub fn forget_complaints(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(api_idempotency::table.filter(api_idempotency::complaint_id.eq_any(ids))).execute(conn)
}

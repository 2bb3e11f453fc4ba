//! API keys' rows. Every query but the look-up by hash names the key's
//! scope: a merchant's key is only ever found through its merchant, a
//! platform key only among platform keys.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::api_keys;
use super::{DbConnection, to_db};
use crate::domain::api_key::{Minted, Scope, TOUCH_EVERY};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: i64,
    /// `None` for a platform key.
    pub merchant_id: Option<i64>,
    pub name: String,
    /// The key's public part (`rdk_<prefix>_…`).
    pub prefix: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_by: Option<i64>,
}

impl ApiKey {
    pub fn scope(&self) -> Scope {
        Scope::of(self.merchant_id)
    }
}

/// The keys of `scope`, newest first.
pub fn of_scope(conn: &mut DbConnection, scope: Scope) -> QueryResult<Vec<ApiKey>> {
    let q = api_keys::table.select(ApiKey::as_select()).order(api_keys::id.desc()).into_boxed();
    match scope {
        Scope::Merchant(m) => q.filter(api_keys::merchant_id.eq(m)).load(conn),
        Scope::Platform => q.filter(api_keys::merchant_id.is_null()).load(conn),
    }
}

/// Key `id` of `scope`; another scope's is not found.
pub fn find(conn: &mut DbConnection, scope: Scope, id: i64) -> QueryResult<Option<ApiKey>> {
    let q = api_keys::table.filter(api_keys::id.eq(id)).select(ApiKey::as_select()).into_boxed();
    match scope {
        Scope::Merchant(m) => q.filter(api_keys::merchant_id.eq(m)).first(conn).optional(),
        Scope::Platform => q.filter(api_keys::merchant_id.is_null()).first(conn).optional(),
    }
}

/// The key whose whole key hashes to `hash`, revoked or not.
pub fn by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<ApiKey>> {
    api_keys::table.filter(api_keys::key_hash.eq(hash)).select(ApiKey::as_select()).first(conn).optional()
}

pub fn insert(
    conn: &mut DbConnection,
    scope: Scope,
    name: &str,
    minted: &Minted,
    by: i64,
    now: DateTime<Utc>,
) -> QueryResult<ApiKey> {
    let id = diesel::insert_into(api_keys::table)
        .values((
            api_keys::merchant_id.eq(scope.merchant_id()),
            api_keys::name.eq(name),
            api_keys::prefix.eq(&minted.prefix),
            api_keys::key_hash.eq(&minted.hash),
            api_keys::created_by.eq(by),
            api_keys::created_at.eq(to_db(now)),
        ))
        .returning(api_keys::id)
        .get_result::<i64>(conn)?;
    api_keys::table.find(id).select(ApiKey::as_select()).first(conn)
}

/// Records that key `id` was used at `now`, unless that was recorded less
/// than [`TOUCH_EVERY`] ago (the row's own condition decides, so of many
/// requests at once one writes).
pub fn touch(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let stale = api_keys::last_used_at.is_null().or(api_keys::last_used_at.le(to_db(now - TOUCH_EVERY)));
    let n = diesel::update(api_keys::table.filter(api_keys::id.eq(id)).filter(stale))
        .set(api_keys::last_used_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Revokes key `id` of `scope` at `now`, by `by`: the first time only.
/// Returns whether it did.
pub fn revoke(conn: &mut DbConnection, scope: Scope, id: i64, by: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let Some(key) = find(conn, scope, id)? else { return Ok(false) };
    let live = api_keys::id.eq(key.id).and(api_keys::revoked_at.is_null());
    let n = diesel::update(api_keys::table.filter(live))
        .set((api_keys::revoked_at.eq(to_db(now)), api_keys::revoked_by.eq(by)))
        .execute(conn)?;
    Ok(n == 1)
}

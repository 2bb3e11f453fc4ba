//! API keys: made by a merchant's staff (for that merchant) or by
//! supervisors (for the platform), shown once, stored hashed, revocable;
//! every request made with one is on the staff audit log.

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::domain::api_key::{self, RANDOM_BYTES, Scope};
use crate::domain::audit::AuditKind;
use crate::service::audit::{self, Actor};
use crate::store::api_keys::{self as store, ApiKey};
use crate::store::{DbConnection, from_db};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// No such key in the scope asked about.
    #[error("no such key")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What the audit log names a key by: its name and public prefix.
pub fn label(key: &ApiKey) -> String {
    format!("{} ({})", key.name, api_key::shown(&key.prefix))
}

fn scope_words(scope: Scope) -> String {
    match scope {
        Scope::Merchant(m) => format!("merchant {m}"),
        Scope::Platform => "platform".into(),
    }
}

/// Makes a key named `name` (already validated) for `scope`, by staff
/// member `by`: the key as stored, and the whole key, which is never
/// shown again.
pub fn create(
    conn: &mut DbConnection,
    scope: Scope,
    name: &str,
    by: &Actor,
    now: DateTime<Utc>,
) -> Result<(ApiKey, String), KeyError> {
    let user = by.user_id.ok_or(KeyError::NotFound)?;
    let mut random = [0u8; RANDOM_BYTES];
    rand::rng().fill(&mut random);
    let minted = api_key::mint(&random);
    let kind = (AuditKind::ApiKeyCreated, scope_words(scope));
    let key = audit::audited(
        conn,
        by,
        (kind.0, &kind.1),
        now,
        |conn| store::insert(conn, scope, name, &minted, user, now),
        label,
    )?;
    Ok((key, minted.key))
}

/// The key `presented` is, if it is one and not revoked. Its use is
/// recorded at most once a minute (`api_key::TOUCH_EVERY`), so reading
/// with a key does not write on every request.
pub fn authenticate(
    conn: &mut DbConnection,
    presented: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<ApiKey>> {
    let Some(p) = api_key::parse(presented) else { return Ok(None) };
    let Some(mut key) = store::by_hash(conn, &p.hash)? else { return Ok(None) };
    if key.revoked_at.is_some() {
        return Ok(None);
    }
    if api_key::needs_touch(key.last_used_at.map(from_db), now) && store::touch(conn, key.id, now)? {
        key.last_used_at = Some(crate::store::to_db(now));
    }
    Ok(Some(key))
}

/// The keys of `scope`, newest first.
pub fn list(conn: &mut DbConnection, scope: Scope) -> diesel::QueryResult<Vec<ApiKey>> {
    store::of_scope(conn, scope)
}

/// Revokes key `id` of `scope` (staff revoke their own merchant's keys,
/// supervisors the platform's: another scope's key is not found). Revoking
/// a revoked key again changes nothing and is not logged again.
pub fn revoke(conn: &mut DbConnection, scope: Scope, id: i64, by: &Actor, now: DateTime<Utc>) -> Result<(), KeyError> {
    let user = by.user_id.ok_or(KeyError::NotFound)?;
    conn.write(|conn| {
        let key = store::find(conn, scope, id)?.ok_or(KeyError::NotFound)?;
        if store::revoke(conn, scope, id, user, now)? {
            audit::record(conn, by, AuditKind::ApiKeyRevoked, &label(&key), &scope_words(scope), now)?;
        }
        Ok(())
    })
}

/// Records a request made with `key` from `address`: `request` is its
/// method and path, `status` the answer's.
pub fn record_request(
    conn: &mut DbConnection,
    key: &ApiKey,
    address: &str,
    request: &str,
    status: u16,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let who = Actor { user_id: None, email: label(key), address: address.to_owned() };
    audit::record(conn, &who, AuditKind::ApiRequest, request, &status.to_string(), now)
}

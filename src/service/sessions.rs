//! Staff sessions kept on the server: begun on sign-in, looked up on each
//! staff request, ended by signing out, by "sign out everywhere" and (all
//! but the one in use) by a password change. The cookie carries a random
//! id; the table only its SHA-256. Each change is one transaction with its
//! audit entry.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::domain::audit::AuditKind;
use crate::domain::session::{Lifetimes, Liveness, TOUCH_AFTER};
use crate::domain::staff::check_password;
use crate::service::audit::{self, Actor};
use crate::service::auth::{self, SignedIn};
use crate::store::sessions::{self, NewSession};
use crate::store::{DbConnection, from_db, to_db, users};

/// At most this much of a browser's `User-Agent` is kept.
pub const MAX_USER_AGENT: usize = 200;

/// The SHA-256 of a session id, in hex: what the table keeps.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a session was begun from.
pub struct Origin<'a> {
    pub address: &'a str,
    pub user_agent: &'a str,
    /// How long sessions live (for removing the expired ones).
    pub lifetimes: Lifetimes,
    /// The session this browser had until now (whoever's), which ends.
    pub replacing: Option<i64>,
}

/// Begins a session for `who` (who has just proved who they are): removes
/// expired sessions and failures on the way, records the address as one
/// this account signs in from, and the sign-in in the audit log; the
/// browser's previous session ends. Returns the session id for the cookie.
pub fn begin(
    conn: &mut DbConnection,
    who: &SignedIn,
    from: &Origin<'_>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<String> {
    let token = crate::service::complaints::new_token();
    let hash = token_hash(&token);
    let user_agent: String = from.user_agent.chars().filter(|c| !c.is_control()).take(MAX_USER_AGENT).collect();
    let address: String = crate::domain::audit::bounded(from.address);
    let actor = Actor { user_id: Some(who.user_id), email: who.email.clone(), address: address.clone() };
    conn.write(|conn| {
        sessions::prune(conn, from.lifetimes, now)?;
        if let Some(old) = from.replacing {
            sessions::delete(conn, old)?;
        }
        let row = NewSession {
            token_hash: &hash,
            user_id: who.user_id,
            created_at: to_db(now),
            last_seen_at: to_db(now),
            address: &address,
            user_agent: &user_agent,
        };
        let id = sessions::insert(conn, &row)?;
        sessions::remember_address(conn, who.user_id, &address, now)?;
        audit::record(conn, &actor, AuditKind::SignIn, &format!("session {id}"), &user_agent, now)
    })?;
    Ok(token)
}

/// A session the cookie named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Live: whose it is; `touch` when its `last_seen_at` is due a write.
    Live { session_id: i64, who: SignedIn, touch: bool },
    /// Past its lifetime (and to be removed).
    Expired { session_id: i64 },
    /// Ended, or never was.
    Unknown,
}

/// Looks up the session with id `token` (one query).
pub fn find(
    conn: &mut DbConnection,
    token: &str,
    lifetimes: Lifetimes,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Found> {
    let Some((session, user)) = sessions::find(conn, &token_hash(token))? else { return Ok(Found::Unknown) };
    let sessions::SessionUser { id: user_id, email, role, merchant_id } = user;
    Ok(match lifetimes.liveness(from_db(session.created_at), from_db(session.last_seen_at), now) {
        Liveness::Expired => Found::Expired { session_id: session.id },
        Liveness::Live { touch } => {
            Found::Live { session_id: session.id, who: SignedIn { user_id, email, role, merchant_id }, touch }
        }
    })
}

/// Writes that the session was used at `now`, unless a write in the last
/// few minutes already did (decided by the database, so requests at once
/// write it once).
pub fn touch(conn: &mut DbConnection, session_id: i64, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    conn.write(|conn| sessions::touch(conn, session_id, now, now - TOUCH_AFTER).map(drop))
}

/// Removes one session past its lifetime.
pub fn forget(conn: &mut DbConnection, session_id: i64) -> diesel::QueryResult<()> {
    conn.write(|conn| sessions::delete(conn, session_id).map(drop))
}

/// Signing out: this session ends.
pub fn end(conn: &mut DbConnection, session_id: i64, actor: &Actor, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    conn.write(|conn| {
        sessions::delete(conn, session_id)?;
        audit::record(conn, actor, AuditKind::SignOut, &format!("session {session_id}"), "", now)
    })
}

/// "Sign out everywhere": every session of the account ends, this one
/// too. Returns how many there were.
pub fn end_everywhere(
    conn: &mut DbConnection,
    user_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    conn.write(|conn| {
        let ended = sessions::delete_of_user(conn, user_id, None)?;
        audit::record(
            conn,
            actor,
            AuditKind::SignOutEverywhere,
            &format!("user {user_id}"),
            &format!("{ended} sessions"),
            now,
        )?;
        Ok(ended)
    })
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the current password is wrong")]
    WrongCurrent,
    #[error("{0}")]
    Weak(&'static str),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A password change from the session `session_id`: the account's other
/// sessions end. Hashing happens before the transaction.
pub fn change_password(
    conn: &mut DbConnection,
    session_id: i64,
    actor: &Actor,
    current: &str,
    new: &str,
    now: DateTime<Utc>,
) -> Result<usize, PasswordError> {
    let user_id = actor.user_id.ok_or(PasswordError::WrongCurrent)?;
    let user = users::find(conn, user_id)?.ok_or(PasswordError::WrongCurrent)?;
    if !auth::verify(current, &user.password_hash) {
        return Err(PasswordError::WrongCurrent);
    }
    check_password(new).map_err(PasswordError::Weak)?;
    let hash = auth::hash(new).map_err(|e| PasswordError::Hash(e.to_string()))?;
    conn.write(|conn| {
        users::set_password_hash(conn, user_id, &hash)?;
        let ended = sessions::delete_of_user(conn, user_id, Some(session_id))?;
        let detail = format!("{ended} other sessions ended");
        audit::record(conn, actor, AuditKind::PasswordChanged, &format!("user {user_id}"), &detail, now)?;
        Ok(ended)
    })
}

#[cfg(test)]
mod tests {
    use super::token_hash;

    #[test]
    fn only_the_hash_of_a_session_id_is_kept() {
        let hash = token_hash("abc");
        assert_eq!(hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_ne!(token_hash("abd"), hash);
    }
}

//! Staff accounts and signing in: argon2id hashes, one answer for an
//! unknown e-mail and a wrong password (taking the same time), and growing
//! delays after failures: per account and address, per address, and per
//! account from addresses it never signed in from (so that guessing from
//! elsewhere never keeps the real user out).

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};

use crate::domain::audit::AuditKind;
use crate::domain::contact::Email;
use crate::domain::session::{FAILURE_WINDOW, Throttle};
use crate::domain::staff::{Role, check_password};
use crate::service::audit::{self, Actor};
use crate::store::users::{self, NewUser};
use crate::store::{DbConnection, from_db, merchants, sessions, to_db};

#[derive(Debug, thiserror::Error)]
pub enum AddUserError {
    #[error("{0:?} is not an e-mail address")]
    Email(String),
    #[error("{0}")]
    Password(&'static str),
    #[error("a merchant account needs --merchant ID")]
    NoMerchant,
    #[error("a supervisor account belongs to no merchant; leave out --merchant")]
    SupervisorWithMerchant,
    #[error("there is no merchant with id {0}")]
    UnknownMerchant(i64),
    #[error("an account for {0} already exists")]
    Duplicate(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub struct NewStaff<'a> {
    pub role: Role,
    pub email: &'a str,
    pub merchant_id: Option<i64>,
    pub password: &'a str,
}

/// Adds a staff account without an audit entry: for seeded data (the
/// demo, the bench). Staff created by someone go through [`create_user`].
pub fn add_user(conn: &mut DbConnection, new: &NewStaff<'_>, now: DateTime<Utc>) -> Result<i64, AddUserError> {
    insert_user(conn, new, None, now)
}

/// Adds a staff account on `by`'s behalf, with its audit entry in the
/// same transaction.
pub fn create_user(
    conn: &mut DbConnection,
    new: &NewStaff<'_>,
    by: &Actor,
    now: DateTime<Utc>,
) -> Result<i64, AddUserError> {
    insert_user(conn, new, Some(by), now)
}

fn insert_user(
    conn: &mut DbConnection,
    new: &NewStaff<'_>,
    by: Option<&Actor>,
    now: DateTime<Utc>,
) -> Result<i64, AddUserError> {
    let email = Email::parse(new.email).ok_or_else(|| AddUserError::Email(new.email.into()))?;
    check_password(new.password).map_err(AddUserError::Password)?;
    match (new.role, new.merchant_id) {
        (Role::Merchant, None) => return Err(AddUserError::NoMerchant),
        (Role::Supervisor, Some(_)) => return Err(AddUserError::SupervisorWithMerchant),
        _ => {}
    }
    let hash = hash(new.password)?;
    conn.write(|conn| {
        if let Some(id) = new.merchant_id
            && merchants::find(conn, id)?.is_none()
        {
            return Err(AddUserError::UnknownMerchant(id));
        }
        if users::find_by_email(conn, email.as_str())?.is_some() {
            return Err(AddUserError::Duplicate(email.as_str().into()));
        }
        let row = NewUser {
            email: email.as_str(),
            password_hash: &hash,
            role: new.role,
            merchant_id: new.merchant_id,
            created_at: to_db(now),
        };
        let id = users::insert(conn, &row)?;
        if let Some(by) = by {
            let to = new.merchant_id.map_or_else(|| "supervisors".to_owned(), |m| format!("merchant {m}"));
            let detail = format!("{} {}", new.role.slug(), email.as_str());
            audit::record(conn, by, AuditKind::StaffCreated, &to, &detail, now)?;
        }
        Ok(id)
    })
}

/// A merchant staff account with a password made up here, to be handed
/// over once; returns the account's id and the password.
pub fn add_staff_with_temporary_password(
    conn: &mut DbConnection,
    merchant_id: i64,
    email: &str,
    by: &Actor,
    now: DateTime<Utc>,
) -> Result<(i64, String), AddUserError> {
    let password = crate::service::complaints::new_token()[..16].to_owned();
    let new = NewStaff { role: Role::Merchant, email, merchant_id: Some(merchant_id), password: &password };
    create_user(conn, &new, by, now).map(|id| (id, password))
}

pub(crate) fn hash(password: &str) -> Result<String, AddUserError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AddUserError::Hash(e.to_string()))
}

pub(crate) fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Whether `password` is the account's own (asked again before a change
/// that a session alone must not make).
pub fn password_matches(conn: &mut DbConnection, user_id: i64, password: &str) -> diesel::QueryResult<bool> {
    Ok(users::find(conn, user_id)?.is_some_and(|u| verify(password, &u.password_hash)))
}

/// Verified against when the e-mail is unknown, so that both failures
/// cost the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash("no account has this password").unwrap_or_default());

/// Computes the dummy hash now rather than on the first unknown e-mail.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub merchant_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong e-mail or password")]
    Invalid,
    #[error("too many failed sign-ins")]
    Throttled { retry_after: Duration },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// One sign-in attempt.
pub struct Attempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The client's address.
    pub address: &'a str,
    /// Whether failures slow the next attempts down (`REDRESS_RATE_LIMIT`
    /// with sign-ins off: not at all).
    pub throttle: bool,
    pub now: DateTime<Utc>,
}

/// Checks the credentials. Hashing happens outside any transaction, so a
/// sign-in never holds the database's write lock while it computes. With
/// throttling on, the attempt is recorded as a failure first (committed on
/// its own) and the throttle counts the others, so attempts in flight at
/// once see each other; a throttled attempt (which tested no password)
/// and a right one remove their row again. A failure's audit entry is
/// written once the password was found wrong.
pub fn sign_in(conn: &mut DbConnection, attempt: &Attempt<'_>) -> Result<SignedIn, SignInError> {
    let (address, now) = (attempt.address, attempt.now);
    let account = attempt.email.trim().to_lowercase();
    let user = users::find_by_email(conn, &account)?;
    let recorded = match attempt.throttle {
        true => Some(conn.write(|conn| users::record_failure(conn, &account, address, now))?),
        false => None,
    };
    if let Some(id) = recorded
        && let Some(retry_after) = throttled(conn, &account, user.as_ref().map(|u| u.id), address, id, now)?
    {
        conn.write(|conn| users::delete_failure(conn, id))?;
        return Err(SignInError::Throttled { retry_after });
    }
    let valid = match &user {
        Some(u) => verify(attempt.password, &u.password_hash),
        None => {
            verify(attempt.password, &DUMMY_HASH);
            false
        }
    };
    match user.as_ref().filter(|_| valid).map(|u| (u.role, u)) {
        Some((role, u)) => {
            if let Some(id) = recorded {
                conn.write(|conn| users::delete_failure(conn, id))?;
            }
            Ok(SignedIn { user_id: u.id, role, merchant_id: u.merchant_id, email: u.email.clone() })
        }
        None => {
            // The account as the audit page filters by: lower-cased.
            let actor = Actor { user_id: user.map(|u| u.id), email: account.clone(), address: address.into() };
            conn.write(|conn| {
                if recorded.is_none() {
                    users::record_failure(conn, &account, address, now)?;
                }
                audit::record(conn, &actor, AuditKind::SignInFailed, &format!("account {account}"), "", now)
            })?;
            Err(SignInError::Invalid)
        }
    }
}

/// How long this attempt (recorded as `attempt_id`, left out of the
/// counts) must wait, if at all: the longest of the three throttles' waits (the account's own only from an address the account
/// never signed in from).
fn throttled(
    conn: &mut DbConnection,
    account: &str,
    user_id: Option<i64>,
    address: &str,
    attempt_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Duration>, SignInError> {
    let since = now - FAILURE_WINDOW;
    let [pair, by_address, by_account] = users::failures_since(conn, account, address, since, Some(attempt_id))?;
    let wait = |t: Throttle, f: users::Failures| t.wait(f.count, f.last.map(from_db), now);
    let mut longest = wait(Throttle::AccountAtAddress, pair).max(wait(Throttle::Address, by_address));
    if let Some(account_wait) = wait(Throttle::Account, by_account) {
        let known = match user_id {
            Some(id) => sessions::is_known_address(conn, id, address)?,
            None => false,
        };
        if !known {
            longest = longest.max(Some(account_wait));
        }
    }
    Ok(longest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_salted() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse battery!", &a));
        assert!(!verify("anything", "not a hash"));
    }
}

//! Two-factor sign-in (TOTP, RFC 6238): what follows a correct password,
//! enrolment with recovery codes, checking a code once, and the reset for
//! a lost device. Each use case is one transaction with its audit entry.

pub mod seal;

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::audit::AuditKind;
use crate::domain::staff::Role;
use crate::domain::totp::{self, CodeInput};
use crate::service::audit::{self, Actor};
use crate::service::auth::SignedIn;
use crate::store::two_factor::{self as store, NewEnrolment};
use crate::store::{DbConnection, from_db, sessions, to_db, users};
pub use seal::SealKey;

/// What a correct password leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPassword {
    /// No second factor: signed in.
    SignedIn,
    /// A code is asked for, answering this round.
    Code { round: i64 },
    /// A supervisor without a second factor must set one up first.
    Enrol,
}

/// Enrolled accounts are asked for a code (and every older pending
/// sign-in of theirs is void); supervisors must enrol when
/// `supervisors_must`.
pub fn after_password(
    conn: &mut DbConnection,
    who: &SignedIn,
    supervisors_must: bool,
) -> diesel::QueryResult<AfterPassword> {
    if let Some(round) = conn.write(|conn| store::next_round(conn, who.user_id))? {
        return Ok(AfterPassword::Code { round });
    }
    Ok(if supervisors_must && who.role == Role::Supervisor { AfterPassword::Enrol } else { AfterPassword::SignedIn })
}

/// Whether the account has a second factor.
pub fn is_enrolled(conn: &mut DbConnection, user_id: i64) -> diesel::QueryResult<bool> {
    Ok(store::find(conn, user_id)?.is_some())
}

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; totp::SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    secret
}

fn hash_recovery(normalised: &str) -> String {
    Sha256::digest(normalised.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    /// Not the code (nor an unused recovery code); `left` tries remain.
    #[error("wrong code")]
    Wrong { left: i32 },
    /// The code of a step already used.
    #[error("code already used")]
    Replayed { left: i32 },
    /// That was the last try of this round: sign in again.
    #[error("too many wrong codes")]
    Ended,
    /// Too many wrong codes lately, over rounds.
    #[error("second step closed for a while")]
    Locked { retry_after: Duration },
    /// The round is over (a newer sign-in, a reset): sign in again.
    #[error("sign-in no longer pending")]
    Stale,
    /// The stored secret does not open with this server's key.
    #[error("the stored secret cannot be opened (was the session key changed?)")]
    Unreadable,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// How a code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Totp,
    /// A recovery code, with how many are left.
    Recovery {
        left: i64,
    },
}

enum Outcome {
    Accepted(Accepted),
    Failed { refused: Refused },
    Err(CodeError),
}

enum Refused {
    Wrong,
    Replayed,
}

/// Checks `typed` (an app's code or a recovery code) for the pending
/// sign-in of `user_id` in `round`. A failure is recorded (and audited as
/// a failed sign-in, "second factor") even though it is an error.
pub fn check_code(
    conn: &mut DbConnection,
    key: &SealKey,
    (user_id, round): (i64, i64),
    typed: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Accepted, CodeError> {
    let window = Duration::minutes(totp::WINDOW_MINUTES);
    let outcome = conn.write(|conn| -> diesel::QueryResult<Outcome> {
        let Some(enrolment) = store::find(conn, user_id)?.filter(|e| e.round == round) else {
            return Ok(Outcome::Err(CodeError::Stale));
        };
        let window_end = from_db(enrolment.window_start) + window;
        if enrolment.window_failures >= totp::WINDOW_FAILURES && window_end > now {
            return Ok(Outcome::Err(CodeError::Locked { retry_after: window_end - now }));
        }
        let refused = match CodeInput::parse(typed) {
            CodeInput::Totp(code) => {
                let Some(secret) = key.open(user_id, &enrolment.sealed_secret) else {
                    return Ok(Outcome::Err(CodeError::Unreadable));
                };
                match totp::matching_step(&secret, &code, now.timestamp()) {
                    Some(step) if store::claim_step(conn, user_id, step)? => {
                        // The round is over: a copy of the pending cookie opens nothing.
                        store::end_round(conn, user_id, round)?;
                        return Ok(Outcome::Accepted(Accepted::Totp));
                    }
                    Some(_) => Refused::Replayed,
                    None => Refused::Wrong,
                }
            }
            CodeInput::Recovery(code) => {
                if store::use_recovery(conn, user_id, &hash_recovery(&code), to_db(now))? {
                    store::end_round(conn, user_id, round)?;
                    let left = store::recovery_left(conn, user_id)?;
                    let detail = format!("{left} left");
                    audit::record(conn, actor, AuditKind::RecoveryCodeUsed, &subject(actor), &detail, now)?;
                    return Ok(Outcome::Accepted(Accepted::Recovery { left }));
                }
                Refused::Wrong
            }
            CodeInput::Invalid => Refused::Wrong,
        };
        Ok(Outcome::Failed { refused })
    })?;
    let refused = match outcome {
        Outcome::Accepted(how) => return Ok(how),
        Outcome::Err(e) => return Err(e),
        Outcome::Failed { refused } => refused,
    };
    // Counted in a transaction of its own, after the check's: committed
    // whatever is answered.
    conn.write(|conn| -> diesel::QueryResult<Result<Accepted, CodeError>> {
        audit::record(conn, actor, AuditKind::SignInFailed, &subject(actor), "second factor", now)?;
        let Some((in_round, _)) = store::count_failure(conn, user_id, round, to_db(now), to_db(now - window))? else {
            return Ok(Err(CodeError::Stale));
        };
        if in_round >= totp::ROUND_FAILURES {
            store::end_round(conn, user_id, round)?;
            return Ok(Err(CodeError::Ended));
        }
        let left = totp::ROUND_FAILURES - in_round;
        Ok(Err(match refused {
            Refused::Wrong => CodeError::Wrong { left },
            Refused::Replayed => CodeError::Replayed { left },
        }))
    })?
}

fn subject(actor: &Actor) -> String {
    format!("user {}", actor.user_id.unwrap_or_default())
}

#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    #[error("wrong code")]
    Wrong,
    #[error("already enrolled")]
    Already,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Confirms an enrolment with a code of the new `secret`; stores the
/// secret sealed and ten recovery codes hashed. Returns the recovery codes
/// as shown, the only time they are.
pub fn enrol(
    conn: &mut DbConnection,
    key: &SealKey,
    user_id: i64,
    secret: &[u8],
    typed: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<String>, EnrolError> {
    let step = match CodeInput::parse(typed) {
        CodeInput::Totp(code) => totp::matching_step(secret, &code, now.timestamp()),
        _ => None,
    }
    .ok_or(EnrolError::Wrong)?;
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| {
            let mut random = [0u8; totp::RECOVERY_LEN];
            rand::rng().fill_bytes(&mut random);
            totp::recovery_code(&random)
        })
        .collect();
    let sealed = key.seal(user_id, secret);
    conn.write(|conn| {
        if store::find(conn, user_id)?.is_some() {
            return Err(EnrolError::Already);
        }
        let row = NewEnrolment {
            user_id,
            sealed_secret: &sealed,
            last_step: step,
            window_start: to_db(now),
            enrolled_at: to_db(now),
        };
        store::insert(conn, &row)?;
        for code in &codes {
            store::insert_recovery(conn, user_id, &hash_recovery(code))?;
        }
        audit::record(conn, actor, AuditKind::TwoFactorEnrolled, &subject(actor), "", now)?;
        Ok(())
    })?;
    Ok(codes.iter().map(|c| totp::recovery_display(c)).collect())
}

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("there is no account for {0}")]
    Unknown(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What a reset did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset {
    pub email: String,
    pub role: Option<Role>,
    /// Whether there was a second factor to remove.
    pub removed: bool,
    /// How many of the account's sessions ended.
    pub sessions_ended: usize,
}

/// Removes an account's second factor and recovery codes (a lost device):
/// the next sign-in takes the password alone, or, for a supervisor who
/// must have one, leads to enrolling again. Every session of the account
/// ends in the same transaction. Audited as done by `actor`.
pub fn reset(conn: &mut DbConnection, email: &str, actor: &Actor, now: DateTime<Utc>) -> Result<Reset, ResetError> {
    let account = email.trim().to_lowercase();
    conn.write(|conn| {
        let user = users::find_by_email(conn, &account)?.ok_or_else(|| ResetError::Unknown(email.trim().into()))?;
        let removed = store::remove(conn, user.id)?;
        // Whoever holds a session of the account (perhaps the one who took
        // the device) is signed out.
        let ended = sessions::delete_of_user(conn, user.id, None)?;
        let what = if removed { "second factor removed" } else { "no second factor" };
        let detail = format!("{what}, {ended} sessions ended");
        audit::record(conn, actor, AuditKind::TwoFactorReset, &format!("user {}", user.id), &detail, now)?;
        Ok(Reset { email: user.email, role: Some(user.role), removed, sessions_ended: ended })
    })
}

//! Filing a complaint for a consumer through the API (a platform's order
//! page): the site's own filing ([`complaints::file`]: the complaint, its
//! event, the receipt and the merchant's notice, its deadlines and risk
//! score, in one transaction), under an idempotency key. The key is
//! remembered in the same transaction as the complaint, so a request tried
//! again after a lost answer finds the complaint it filed, never a second
//! one; the same key with another body is refused.

use diesel::result::{DatabaseErrorKind, Error as DbError};

use crate::domain::complaint::NewComplaint;
use crate::service::complaints::{self, Intake, SubmitError};
use crate::store::complaints::{self as store, Complaint};
use crate::store::{DbConnection, api_idempotency as idem};

/// How long a key is remembered: a day, as long as any client retries.
pub const KEEP_HOURS: i64 = 24;

/// The idempotency key a request came with: whose (the API key's id), the
/// key itself and the SHA-256 of the request's canonical body.
pub struct Once<'a> {
    pub api_key_id: i64,
    pub key: &'a str,
    pub body_sha256: &'a str,
}

/// The complaint the request filed, or had filed with the same key and body.
#[derive(Debug)]
pub enum Filed {
    New(Complaint),
    Again(Complaint),
}

impl Filed {
    pub fn complaint(&self) -> &Complaint {
        match self {
            Filed::New(c) | Filed::Again(c) => c,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FilingError {
    /// The key filed a complaint with another body.
    #[error("idempotency key used with another body")]
    Reused,
    #[error(transparent)]
    Submit(#[from] SubmitError),
}

impl From<DbError> for FilingError {
    fn from(e: DbError) -> Self {
        FilingError::Submit(SubmitError::Db(e))
    }
}

/// Files `c` unless `once`'s key filed a complaint already: then that one
/// (the same body) or [`FilingError::Reused`] (another). Two requests with
/// one key at once: the second's key is a unique violation, its complaint
/// is rolled back, and it answers the first's.
pub fn file_once(
    conn: &mut DbConnection,
    at: &Intake<'_>,
    c: &NewComplaint,
    once: &Once<'_>,
) -> Result<Filed, FilingError> {
    conn.write(|conn| {
        if let Some(done) = remembered(conn, once)? {
            return Ok(done);
        }
        let filed = conn.write(|conn| {
            let filed = complaints::file(conn, at, c, &[])?;
            idem::insert(conn, once.api_key_id, once.key, once.body_sha256, filed.id, at.now)?;
            Ok::<_, SubmitError>(filed)
        });
        match filed {
            Ok(filed) => Ok(Filed::New(store::find(conn, filed.id)?)),
            Err(SubmitError::Db(e @ DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))) => {
                remembered(conn, once)?.ok_or(FilingError::Submit(SubmitError::Db(e)))
            }
            Err(e) => Err(e.into()),
        }
    })
}

/// What `once`'s key filed, if it did.
fn remembered(conn: &mut DbConnection, once: &Once<'_>) -> Result<Option<Filed>, FilingError> {
    match idem::find(conn, once.api_key_id, once.key)? {
        None => Ok(None),
        Some(r) if r.body_sha256 == once.body_sha256 => Ok(Some(Filed::Again(store::find(conn, r.complaint_id)?))),
        Some(_) => Err(FilingError::Reused),
    }
}

//! Recording what staff do: one row per sign-in, sign-out, account change
//! and action, written in the transaction of the thing it records where
//! there is one, so an entry is never missing for what happened.

use chrono::{DateTime, Utc};

use crate::domain::audit::{AuditKind, bounded};
use crate::store::audit::{self, NewAudit};
use crate::store::{DbConnection, to_db};

/// Who did it, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account; `None` for a failed sign-in naming no account.
    pub user_id: Option<i64>,
    /// The e-mail, as known or as typed.
    pub email: String,
    /// The client's address.
    pub address: String,
}

/// Records one entry: `subject` says what it was done to ("complaint
/// TS…", "merchant 3"), `detail` anything more (a reason, a count).
pub fn record(
    conn: &mut DbConnection,
    who: &Actor,
    kind: AuditKind,
    subject: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let (actor, subject, detail) = (bounded(&who.email), bounded(subject), bounded(detail));
    let address = bounded(&who.address);
    let row = NewAudit {
        at: to_db(now),
        user_id: who.user_id,
        actor: &actor,
        kind,
        address: &address,
        subject: &subject,
        detail: &detail,
    };
    audit::insert(conn, &row)
}

/// Runs `f` and records `kind` in one transaction, so the entry exists
/// exactly when what it records does: `subject` names what `f` made or
/// changed, from its result.
pub fn audited<T, E, F, S>(
    conn: &mut DbConnection,
    who: &Actor,
    (kind, detail): (AuditKind, &str),
    now: DateTime<Utc>,
    f: F,
    subject: S,
) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    S: FnOnce(&T) -> String,
    E: From<diesel::result::Error>,
{
    conn.write(|conn| {
        let done = f(conn)?;
        record(conn, who, kind, &subject(&done), detail, now)?;
        Ok(done)
    })
}

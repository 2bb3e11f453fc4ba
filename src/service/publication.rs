//! A complaint's place in the public register, as the people around it
//! change it: the consumer gives or withdraws consent (tracking page), the
//! merchant chooses its public response (merchant portal), a supervisor
//! hides a case or shows it again. Each change is one transaction with its
//! timeline entry (and, for hiding, the consumer's notice).

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::register::{PublicResponse, response_changeable};
use crate::store::complaints::{self, Complaint, NewEvent};
use crate::store::{DbConnection, from_db, register, supervision};

#[derive(Debug, thiserror::Error)]
pub enum PublicationError {
    #[error("no such complaint")]
    NotFound,
    /// The merchant's public response can no longer be changed (180 days
    /// after filing).
    #[error("the public response can no longer be changed")]
    ResponseClosed,
    /// Hiding a case the register does not have (the consumer never
    /// consented and the merchant chose no response).
    #[error("the complaint is not in the register")]
    NotInRegister,
    #[error("the case is already hidden")]
    AlreadyHidden,
    #[error("the case is not hidden")]
    NotHidden,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// `kind` on `c`'s timeline at `now`, by `actor`.
fn event(
    conn: &mut DbConnection,
    c: &Complaint,
    (actor, actor_id): (Actor, Option<i64>),
    kind: EventKind,
    data: Option<&str>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<i64> {
    let e = NewEvent {
        complaint_id: c.id,
        merchant_id: c.merchant_id,
        at: now,
        actor,
        actor_id,
        kind,
        // Everyone may know where a case stands in a register anyone can read.
        visibility: Visibility::Public,
        body: None,
        data,
    };
    complaints::append_event(conn, e)
}

/// The consumer of the complaint behind `token` gives (`true`) or
/// withdraws consent to publication; returns whether that changed
/// anything (asking twice is one change, and one timeline entry).
/// Withdrawing takes the case out of every public read at once.
pub fn set_consent(
    conn: &mut DbConnection,
    token: &str,
    consent: bool,
    now: DateTime<Utc>,
) -> Result<bool, PublicationError> {
    conn.write(|conn| {
        let (c, _) = complaints::find_by_token(conn, token)?.ok_or(PublicationError::NotFound)?;
        if !register::set_consent(conn, c.id, consent, now)? {
            return Ok(false);
        }
        let kind = if consent { EventKind::ConsentGiven } else { EventKind::ConsentWithdrawn };
        event(conn, &c, (Actor::Consumer, None), kind, None, now)?;
        Ok(true)
    })
}

/// The merchant `merchant_id`'s staff member `user_id` chooses (or
/// changes) the public response to its complaint `reference`; another
/// merchant's complaint is not found. Refused 180 days after filing.
pub fn choose_response(
    conn: &mut DbConnection,
    (merchant_id, user_id): (i64, i64),
    reference: &str,
    response: PublicResponse,
    now: DateTime<Utc>,
) -> Result<bool, PublicationError> {
    conn.write(|conn| {
        let c = complaints::find_for_merchant(conn, merchant_id, reference)?.ok_or(PublicationError::NotFound)?;
        if !response_changeable(from_db(c.submitted_at), now) {
            return Err(PublicationError::ResponseClosed);
        }
        if !register::set_response(conn, c.id, response, now)? {
            return Ok(false);
        }
        event(conn, &c, (Actor::Merchant, Some(user_id)), EventKind::PublicResponse, Some(response.slug()), now)?;
        Ok(true)
    })
}

/// Supervisor `user_id` hides case `reference` from the register with
/// `reason` (checked by [`crate::domain::register::hide_reason`]): the
/// timeline says so, and a consumer who consented is told, in general
/// terms, by mail and SMS. Returns the complaint's id.
pub fn hide(
    conn: &mut DbConnection,
    config: &Config,
    reference: &str,
    user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, PublicationError> {
    conn.write(|conn| {
        let (c, _) = supervision::find(conn, reference)?.ok_or(PublicationError::NotFound)?;
        let entry = register::find(conn, c.id)?.ok_or(PublicationError::NotInRegister)?;
        if !register::hide(conn, c.id, user_id, reason, now)? {
            return Err(PublicationError::AlreadyHidden);
        }
        event(conn, &c, (Actor::Supervisor, Some(user_id)), EventKind::RegisterHidden, None, now)?;
        if entry.consent {
            crate::service::notify::register_hidden(conn, config, &c, now)?;
        }
        Ok(c.id)
    })
}

/// Supervisor `user_id` shows hidden case `reference` in the register
/// again. Returns the complaint's id.
pub fn unhide(
    conn: &mut DbConnection,
    reference: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, PublicationError> {
    conn.write(|conn| {
        let (c, _) = supervision::find(conn, reference)?.ok_or(PublicationError::NotFound)?;
        if !register::unhide(conn, c.id)? {
            return Err(PublicationError::NotHidden);
        }
        event(conn, &c, (Actor::Supervisor, Some(user_id)), EventKind::RegisterUnhidden, None, now)?;
        Ok(c.id)
    })
}

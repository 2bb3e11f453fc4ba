//! What a consumer sees of their complaint, and finding it again.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::contact::{Email, Phone, Reach};
use crate::domain::event::Viewer;
use crate::domain::reference;
use crate::service::notify;
use crate::store::DbConnection;
use crate::store::complaints::{self as store, Complaint, Entry};

pub struct Tracking {
    pub complaint: Complaint,
    pub merchant_name: String,
    /// Public events only: internal notes are for staff.
    pub timeline: Vec<Entry>,
    /// The consumer's rating, once given: (score, comment).
    pub rating: Option<(i32, Option<String>)>,
}

pub fn by_token(conn: &mut DbConnection, token: &str) -> diesel::QueryResult<Option<Tracking>> {
    let Some((complaint, merchant_name)) = store::find_by_token(conn, token)? else {
        return Ok(None);
    };
    let timeline = store::timeline(conn, complaint.id, Viewer::Consumer)?;
    let rating = crate::store::ratings::find(conn, complaint.id)?;
    Ok(Some(Tracking { complaint, merchant_name, timeline, rating }))
}

/// The tracking token for a reference and the phone or e-mail it was filed
/// with; `None` for any mismatch, never saying which part was wrong.
pub fn find(conn: &mut DbConnection, reference_raw: &str, contact_raw: &str) -> diesel::QueryResult<Option<String>> {
    let Some(reference) = reference::normalise(reference_raw) else {
        return Ok(None);
    };
    let phone = Phone::parse(contact_raw);
    let email = Email::parse(contact_raw);
    if phone.is_none() && email.is_none() {
        return Ok(None);
    }
    store::token_by_reference_and_contact(
        conn,
        &reference,
        phone.as_ref().map(Phone::as_str),
        email.as_ref().map(Email::as_str),
    )
}

#[derive(Debug, PartialEq, Eq)]
pub enum LinkMail {
    /// Queued for this (masked) address.
    Queued(String),
    /// One was queued for it in the last ten minutes already.
    AlreadyQueued(String),
    /// The complaint has neither a phone number nor an e-mail address.
    NoAddress,
}

/// Queues the tracking link, by SMS and by e-mail, to the number and the
/// address the complaint was filed with, at most once every ten minutes.
pub fn mail_link(
    conn: &mut DbConnection,
    config: &Config,
    token: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<LinkMail>> {
    conn.write(|conn| {
        let Some((complaint, _)) = store::find_by_token(conn, token)? else {
            return Ok(None);
        };
        // By SMS and by mail, to whichever the complaint was filed with.
        let contacts = [
            complaint.consumer_phone.as_deref().map(Phone::masked),
            complaint.consumer_email.as_deref().map(Email::masked),
        ];
        let masked = contacts.into_iter().flatten().collect::<Vec<_>>().join(" · ");
        if masked.is_empty() {
            return Ok(Some(LinkMail::NoAddress));
        }
        Ok(Some(if notify::tracking_link_mail(conn, config, &complaint, now)? {
            LinkMail::Queued(masked)
        } else {
            LinkMail::AlreadyQueued(masked)
        }))
    })
}

/// The consumer has seen the tracking page with a proposal on it: that
/// reaches them as a delivered notice would, and starts the silence
/// rule's clock if nothing did before (once; see `store::complaints::reached`).
pub fn seen(conn: &mut DbConnection, complaint_id: i64, now: DateTime<Utc>) -> diesel::QueryResult<bool> {
    conn.write(|conn| crate::store::complaints::reached(conn, complaint_id, Reach::View, now, now))
}

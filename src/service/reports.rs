//! User reports (举报): anyone reports what they saw in a merchant's live
//! room or session. Made in one transaction: the report (its session named,
//! or found from the room and the time seen, and so its host), scored by
//! the risk rules, and counted toward incidents with the complaints about
//! the same session and host. No deadline runs on it and the merchant is
//! not told: it is the platform's. A supervisor then marks it reviewed, or
//! dismisses it with a note.

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::domain::evidence::Stored;
use crate::domain::field::Invalid;
use crate::domain::report::{self, NewReport, ReportDecision, SEEN_DAYS};
use crate::i18n::Lang;
use crate::service::{incidents, risk};
use crate::store::reports::{self as store, NewReportRow, ReportRow, Screenshot};
use crate::store::{DbConnection, QueryError, live, merchants, to_db};

/// A report made: its id, the reference the reporter is given, and whether
/// the risk rules flagged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    pub id: i64,
    pub reference: String,
    pub high_risk: bool,
    /// Incidents it opened or joined.
    pub incidents: incidents::Detected,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("no merchant with id {0}")]
    UnknownMerchant(i64),
    /// Not one of the merchant's rooms.
    #[error("room {0} is not the merchant's")]
    UnknownRoom(i64),
    /// Not one of the room's sessions of the last [`SEEN_DAYS`] days.
    #[error("live session {0} is not the room's")]
    UnknownSession(i64),
    #[error(transparent)]
    Db(#[from] QueryError),
}

/// When a report is made, under which settings, in which language.
pub struct Taken<'a> {
    pub config: &'a Config,
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

/// Stores report `r` with its `screenshot` (already kept in the upload
/// folder), inside the caller's transaction, and counts it toward
/// incidents.
pub fn make(
    conn: &mut DbConnection,
    at: &Taken<'_>,
    r: &NewReport,
    screenshot: Option<&Stored>,
) -> Result<Made, ReportError> {
    let merchant = merchants::find(conn, r.merchant_id)?.ok_or(ReportError::UnknownMerchant(r.merchant_id))?;
    let room = live::room_of(conn, merchant.id, r.room_id)?.ok_or(ReportError::UnknownRoom(r.room_id))?;
    let since = to_db(at.now - Duration::days(SEEN_DAYS + 1));
    let session = match r.live_session_id {
        Some(id) => Some(
            live::session_of(conn, merchant.id, id)?
                .filter(|s| s.room_id == room.id && s.started_at >= since)
                .ok_or(ReportError::UnknownSession(id))?,
        ),
        None => store::session_at(conn, merchant.id, room.id, r.seen_at)?,
    };
    let scored = risk::of_report(conn, at.config, &r.description, at.now)?;
    let id = store::next_id(conn)?;
    let reference = report::reference(at.now.with_timezone(&at.config.tz).date_naive(), id);
    let made = store::insert_as(
        conn,
        id,
        &NewReportRow {
            reference: &reference,
            merchant_id: merchant.id,
            room_id: room.id,
            live_session_id: session.as_ref().map(|s| s.id),
            host_id: session.as_ref().map(|s| s.host_id),
            seen_at: r.seen_at,
            description: &r.description,
            phone: r.phone.as_ref().map(|p| p.as_str()),
            lang: at.lang,
            screenshot: screenshot.map(|s| Screenshot {
                kind: s.kind,
                sha256: &s.sha256,
                thumb_sha256: s.thumb_sha256.as_deref(),
                bytes: s.bytes,
            }),
            risk_score: scored.score,
            risk_matches: scored.matches.as_deref(),
            risk_state: scored.state,
            created_at: at.now,
        },
    )?;
    let detected = incidents::after_report(conn, at.config, &made, at.now)?;
    Ok(Made { id, reference, high_risk: scored.state.is_some(), incidents: detected })
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such report")]
    NotFound,
    /// The note is missing (to dismiss) or not one.
    #[error("note: {0:?}")]
    Note(Invalid),
    /// Decided already (by someone else, a moment ago).
    #[error("already decided")]
    Decided,
    #[error(transparent)]
    Db(#[from] QueryError),
}

/// Marks report `id` reviewed or dismissed by supervisor `by`, with the
/// note; returns it as it was.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    decision: ReportDecision,
    note: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<ReportRow, DecideError> {
    let note = report::note(decision, note).map_err(DecideError::Note)?;
    conn.write(|conn| {
        let before = store::find(conn, id)?.ok_or(DecideError::NotFound)?;
        if !store::decide(conn, id, decision.state(), note.as_deref(), by, now)? {
            return Err(DecideError::Decided);
        }
        Ok(before)
    })
}

/// One report, everything its supervisors' page shows: the report with
/// its merchant's and room's names, the session and its host, the
/// incidents it is in, and who decided on it.
pub struct Record {
    pub listed: store::Listed,
    pub session: Option<live::SessionRow>,
    pub host: Option<live::HostRow>,
    pub incidents: Vec<i64>,
    pub decided_by: Option<String>,
}

/// Report `id`, or none if there is no such report.
pub fn record(conn: &mut DbConnection, id: i64) -> Result<Option<Record>, QueryError> {
    let Some(listed) = store::find_listed(conn, id)? else { return Ok(None) };
    let r = &listed.report;
    let session = r.live_session_id.map(|s| live::find_session(conn, s)).transpose()?.flatten();
    let host = r.host_id.map(|h| live::find_host(conn, h)).transpose()?.flatten();
    let decided_by = match r.decided_by {
        Some(by) => crate::store::users::find(conn, by)?.map(|u| u.email),
        None => None,
    };
    let incidents = store::incidents_of(conn, id)?;
    Ok(Some(Record { listed, session, host, incidents, decided_by }))
}

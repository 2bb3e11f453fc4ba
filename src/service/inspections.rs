//! Platform inspections (巡查): a supervisor records an inspection of a
//! live room (when, what was found, a verdict, evidence), in one
//! transaction with its files' rows; the session is the one named, or the
//! room's session that was on at the time. From an inspection a measure
//! can be taken on the room (limit, cut) or the session's host (ban),
//! through the very service calls of the room's and the host's pages, its
//! reason naming the inspection; or an incident opened
//! (`incidents::by_hand`). What the pages show is loaded here too.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::action::ActionKind;
use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::evidence::Stored;
use crate::domain::inspection::{MEASURE_REASON_MAX, ValidInspection};
use crate::domain::live::{HostMeasure, RoomMeasure, Target};
use crate::service::review::{self, ReviewError};
use crate::store::actions::{self, ActionRow};
use crate::store::incidents::{self, IncidentRow};
use crate::store::inspections::{self as store, InspectionFile, InspectionRow, NewInspection};
use crate::store::live::{self, HostRow, ProductRow, RoomRow, SessionRow};
use crate::store::{DbConnection, QueryError, merchants, users};

#[derive(Debug, thiserror::Error)]
pub enum InspectionError {
    /// No such room (or inspection).
    #[error("not found")]
    NotFound,
    /// Refused for what is stored, next to its field.
    #[error("refused: {0:?}")]
    Fields(FieldErrors),
    #[error(transparent)]
    Db(#[from] QueryError),
}

/// Records inspection `v` by supervisor `by` with its `files`, already
/// kept on disk; its id.
pub fn record(
    conn: &mut DbConnection,
    by: i64,
    v: &ValidInspection,
    files: &[Stored],
    now: DateTime<Utc>,
) -> Result<i64, InspectionError> {
    conn.write(|conn| {
        let room = live::find_room(conn, v.room_id)?.ok_or(InspectionError::NotFound)?;
        let session = match v.live_session_id {
            Some(id) => match live::find_session(conn, id)? {
                Some(s) if s.room_id == room.id => Some(s.id),
                _ => {
                    let mut errors = FieldErrors::default();
                    errors.add(Field::LiveSession, Invalid::SessionNotOfRoom);
                    return Err(InspectionError::Fields(errors));
                }
            },
            None => store::session_on(conn, room.id, v.inspected_at)?.map(|s| s.id),
        };
        let new = NewInspection {
            supervisor_id: by,
            merchant_id: room.merchant_id,
            room_id: room.id,
            live_session_id: session,
            inspected_at: v.inspected_at,
            found: &v.found,
            verdict: v.verdict,
        };
        Ok(store::insert(conn, &new, files, now)?)
    })
}

/// What a measure from an inspection is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    Room,
    /// The inspected session's host.
    Host,
}

/// The measures an inspection offers, of those the thing's state is open
/// to: limiting or cutting the room, banning the host (putting things
/// back is for their own pages).
pub fn room_measures(room: &RoomRow) -> Vec<RoomMeasure> {
    RoomMeasure::open_to(room.status).iter().copied().filter(|m| *m != RoomMeasure::Restore).collect()
}

pub fn host_measures(host: &HostRow) -> Vec<HostMeasure> {
    HostMeasure::open_to(host.status).iter().copied().filter(|m| *m != HostMeasure::Restore).collect()
}

/// The reason a measure from inspection `id` is taken with: what the
/// supervisor wrote, naming the inspection (in Chinese, as the merchant's
/// record keeps every reason).
pub fn reason(id: i64, typed: &str) -> Result<String, ReviewError> {
    let typed = crate::domain::text::clean(typed, 2, MEASURE_REASON_MAX, true).map_err(|_| ReviewError::Reason)?;
    Ok(crate::i18n::Lang::ZhCn.tr().fmt("inspection.measure_reason", &[("id", &id), ("reason", &typed)]))
}

/// Takes `measure` on the inspected room or the session's host, as their
/// own pages would (the merchant told, the action appealable), with the
/// reason naming the inspection; the action is recorded as the
/// inspection's. What it was taken on.
#[allow(clippy::too_many_arguments)]
pub fn measure(
    conn: &mut DbConnection,
    config: &Config,
    id: i64,
    on: On,
    measure: &str,
    typed: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(Target, i64), ReviewError> {
    conn.write(|conn| {
        let i = store::find(conn, id)?.ok_or(ReviewError::NotFound)?;
        let measure = measure.trim();
        let (target, thing, kind) = match on {
            On::Room => {
                let kind = match RoomMeasure::from_slug(measure) {
                    Some(RoomMeasure::Limit) => ActionKind::LimitRoom,
                    Some(RoomMeasure::Cut) => ActionKind::CutRoom,
                    _ => return Err(ReviewError::Decision),
                };
                (Target::Room, i.room_id, kind)
            }
            On::Host => {
                if HostMeasure::from_slug(measure) != Some(HostMeasure::Ban) {
                    return Err(ReviewError::Decision);
                }
                let session = i.live_session_id.map(|s| live::find_session(conn, s)).transpose()?.flatten();
                (Target::Host, session.ok_or(ReviewError::Decision)?.host_id, ActionKind::BanHost)
            }
        };
        let why = reason(i.id, typed)?;
        match target {
            Target::Room => review::room_measure(conn, config, thing, measure, &why, by, now).map(drop)?,
            _ => review::host_measure(conn, config, thing, measure, &why, by, now).map(drop)?,
        }
        // The action the measure just took: the newest in force of its kind.
        let taken = actions::on_target(conn, target, thing)?
            .into_iter()
            .find(|a| a.kind == kind && a.ended_at.is_none())
            .ok_or(ReviewError::NotFound)?;
        store::add_action(conn, i.id, taken.id)?;
        Ok((target, thing))
    })
}

/// The inspected session, with its host and products.
pub struct Session {
    pub session: SessionRow,
    pub host: HostRow,
    pub products: Vec<ProductRow>,
}

/// Everything an inspection's page shows.
pub struct Record {
    pub inspection: InspectionRow,
    pub supervisor: String,
    pub room: RoomRow,
    pub merchant: String,
    pub session: Option<Session>,
    pub files: Vec<InspectionFile>,
    pub incident: Option<IncidentRow>,
    /// The actions it led to, and the names of what they are on.
    pub actions: Vec<ActionRow>,
    pub action_names: std::collections::HashMap<(Target, i64), String>,
}

/// Inspection `id`, or none.
pub fn record_of(conn: &mut DbConnection, id: i64) -> Result<Option<Record>, QueryError> {
    let Some(inspection) = store::find(conn, id)? else { return Ok(None) };
    let room = live::find_room(conn, inspection.room_id)?.ok_or(QueryError::NotFound)?;
    let session = match inspection.live_session_id {
        Some(s) => live::find_session(conn, s)?,
        None => None,
    };
    let session = match session {
        Some(session) => Some(Session {
            host: live::find_host(conn, session.host_id)?.ok_or(QueryError::NotFound)?,
            products: live::session_products(conn, session.id)?,
            session,
        }),
        None => None,
    };
    let actions = store::actions(conn, id)?;
    Ok(Some(Record {
        supervisor: users::find(conn, inspection.supervisor_id)?.map(|u| u.email).unwrap_or_default(),
        merchant: merchants::find(conn, inspection.merchant_id)?.map(|m| m.name).unwrap_or_default(),
        files: store::files(conn, id)?,
        incident: inspection.incident_id.map(|i| incidents::find(conn, i)).transpose()?.flatten(),
        action_names: live::target_names(conn, &actions)?,
        actions,
        room,
        session,
        inspection,
    }))
}

//! What the supervisors' overview and export read.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

use super::complaints::Complaint;
use super::schema::{
    complaints, hosts, incident_complaints, incidents, live_rooms, live_sessions, merchants, products,
};
use super::{DbConnection, MultiBackend, state_is, to_db};
use crate::domain::category::Category;
use crate::domain::state::{EscalationReason, State};

/// The facts the overview counts, one row a complaint.
#[derive(Debug, Clone, Queryable)]
pub struct Facts {
    pub merchant_id: i64,
    pub submitted_at: NaiveDateTime,
    pub response_due_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub resolution_due_at: NaiveDateTime,
    pub resolution_met_at: Option<NaiveDateTime>,
    pub response_breached_at: Option<NaiveDateTime>,
    pub resolution_breached_at: Option<NaiveDateTime>,
}

/// Complaints received since `since`: all merchants' (a range over
/// `complaints_submitted`) or one merchant's (`complaints_merchant_figures`).
fn facts(conn: &mut DbConnection, merchant_id: Option<i64>, since: DateTime<Utc>) -> QueryResult<Vec<Facts>> {
    let mut q = complaints::table
        .filter(complaints::submitted_at.ge(to_db(since)))
        .select((
            complaints::merchant_id,
            complaints::submitted_at,
            complaints::response_due_at,
            complaints::responded_at,
            complaints::resolution_due_at,
            complaints::resolution_met_at,
            complaints::response_breached_at,
            complaints::resolution_breached_at,
        ))
        .into_boxed();
    if let Some(id) = merchant_id {
        q = q.filter(complaints::merchant_id.eq(id));
    }
    q.load(conn)
}

pub fn facts_since(conn: &mut DbConnection, since: DateTime<Utc>) -> QueryResult<Vec<Facts>> {
    facts(conn, None, since)
}

/// One merchant's complaints row by row. The scorecard counts with
/// [`merchant_counts`] instead; tests check the two agree.
pub fn merchant_facts_since(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: DateTime<Utc>,
) -> QueryResult<Vec<Facts>> {
    facts(conn, Some(merchant_id), since)
}

/// What the public scorecard shows of a merchant's complaints received
/// since some time, counted by the database rather than row by row. A
/// deadline counts once it is decided: met, or passed by `now` (whether or
/// not the sweeper has recorded the breach yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MerchantCounts {
    /// Received since `since`.
    pub received: i64,
    /// Received since each of the two `recent` times.
    pub recent: [i64; 2],
    /// Answered, or past the response deadline.
    pub response_decided: i64,
    pub responded: i64,
    pub responded_on_time: i64,
    /// Resolved, or past the resolution deadline.
    pub resolution_decided: i64,
    pub resolution_met: i64,
}

/// `SUM(CASE WHEN condition THEN 1 ELSE 0 END)`: how many rows match.
macro_rules! how_many {
    ($condition:expr) => {
        diesel::dsl::sum(
            diesel::dsl::case_when($condition, 1.into_sql::<diesel::sql_types::Integer>())
                .otherwise(0.into_sql::<diesel::sql_types::Integer>()),
        )
    };
}

/// One merchant's counts over its complaints received since `since`: ranges
/// of the covering index `complaints_merchant_figures`, so it costs what
/// the merchant received and no read of the complaints themselves.
pub fn merchant_counts(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: DateTime<Utc>,
    recent: [DateTime<Utc>; 2],
    now: DateTime<Utc>,
) -> QueryResult<MerchantCounts> {
    let now = to_db(now);
    let mine_since = |at: DateTime<Utc>| {
        complaints::table.filter(complaints::merchant_id.eq(merchant_id)).filter(complaints::submitted_at.ge(to_db(at)))
    };
    // The recent windows as ranges of their own: a comparison with a bound
    // time on every row of the year costs more than counting a shorter range.
    let mut recent_counts = [0; 2];
    for (count, at) in recent_counts.iter_mut().zip(recent) {
        *count = mine_since(at).count().get_result(conn)?;
    }
    let (received, response_decided, responded, on_time, resolution_decided, met): (
        i64,
        Option<i64>,
        i64,
        Option<i64>,
        Option<i64>,
        i64,
    ) = mine_since(since)
        .select((
            diesel::dsl::count_star(),
            how_many!(complaints::responded_at.is_not_null().or(complaints::response_due_at.lt(now))),
            diesel::dsl::count(complaints::responded_at),
            how_many!(complaints::responded_at.le(complaints::response_due_at.nullable())),
            how_many!(complaints::resolution_met_at.is_not_null().or(complaints::resolution_due_at.lt(now))),
            diesel::dsl::count(complaints::resolution_met_at),
        ))
        .get_result(conn)?;
    Ok(MerchantCounts {
        received,
        recent: recent_counts,
        response_decided: response_decided.unwrap_or(0),
        responded,
        responded_on_time: on_time.unwrap_or(0),
        resolution_decided: resolution_decided.unwrap_or(0),
        resolution_met: met,
    })
}

/// How long each of a merchant's complaints received since `since` waited
/// for its first reply (answered ones only), in no particular order. The
/// same covering index as [`merchant_counts`].
pub fn merchant_first_responses(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: DateTime<Utc>,
) -> QueryResult<Vec<Duration>> {
    let rows: Vec<(QuickTimestamp, QuickTimestamp)> = complaints::table
        .filter(complaints::merchant_id.eq(merchant_id))
        .filter(complaints::submitted_at.ge(to_db(since)))
        .filter(complaints::responded_at.is_not_null())
        .select((complaints::submitted_at, complaints::responded_at.assume_not_null()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(submitted, responded)| responded.0 - submitted.0).collect())
}

/// A timestamp as [`NaiveDateTime`], read for the one query that reads
/// thousands: SQLite's text as diesel writes it ("2026-11-20 10:00:00",
/// optionally ".123456") is taken apart by position, a tenth of the cost
/// of chrono's general parser; anything else, and PostgreSQL's binary
/// value, goes through diesel's own reading. The value is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::deserialize::FromSqlRow)]
pub struct QuickTimestamp(pub NaiveDateTime);

impl QuickTimestamp {
    fn from_text(text: &str) -> Option<NaiveDateTime> {
        let b = text.as_bytes();
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let number = |digits: &[u8]| {
            digits.iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
        };
        let nanos = match &b[19..] {
            [] => 0,
            [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
                number(digits)? * 10u32.pow(9 - digits.len() as u32)
            }
            _ => return None,
        };
        let date =
            NaiveDate::from_ymd_opt(i32::try_from(number(&b[0..4])?).ok()?, number(&b[5..7])?, number(&b[8..10])?)?;
        let time = NaiveTime::from_hms_nano_opt(number(&b[11..13])?, number(&b[14..16])?, number(&b[17..19])?, nanos)?;
        Some(date.and_time(time))
    }
}

impl FromSql<Timestamp, Sqlite> for QuickTimestamp {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(at) = Self::from_text(value.read_text()) {
            return Ok(QuickTimestamp(at));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(QuickTimestamp)
    }
}

impl FromSql<Timestamp, Pg> for QuickTimestamp {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(QuickTimestamp)
    }
}

impl FromSql<Timestamp, MultiBackend> for QuickTimestamp {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

pub fn open_escalations(conn: &mut DbConnection) -> QueryResult<i64> {
    complaints::table.filter(state_is(State::Escalated)).count().get_result(conn)
}

pub fn merchant_names(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    merchants::table.filter(merchants::id.eq_any(ids)).select((merchants::id, merchants::name)).load(conn)
}

/// What an export selects.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportFilter {
    pub state: Option<State>,
    pub reason: Option<EscalationReason>,
    pub merchant_id: Option<i64>,
    pub category: Option<Category>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_before: Option<DateTime<Utc>>,
    /// Either deadline breached in [from, before).
    pub breached_from: Option<DateTime<Utc>>,
    pub breached_before: Option<DateTime<Utc>>,
}

/// A row of the export: the complaint, its merchant's name, and what it
/// names of live commerce (the product, the session's start, the room,
/// the host's name on stream; never the host's real name).
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub complaint: Complaint,
    pub merchant: String,
    pub product: Option<String>,
    pub session_started_at: Option<NaiveDateTime>,
    pub room: Option<String>,
    pub host: Option<String>,
    /// The collective case it is in, if any.
    pub case: Option<i64>,
    /// The relief in force, if it ended with one.
    pub relief: Option<super::reliefs::ReliefRow>,
    /// Its row in the public register, if it has one.
    pub register: Option<super::register::Entry>,
}

type ExportTuple = (Complaint, String, Option<String>, Option<NaiveDateTime>, Option<String>, Option<String>);

/// One page of the export, newest first, below id `before`. What the
/// complaint names is looked up by primary key, four at most a row; the
/// page's collective cases are one more statement (a range of
/// `incident_complaints_complaint` a complaint).
pub fn export_page(
    conn: &mut DbConnection,
    filter: ExportFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    let mut q = complaints::table
        .inner_join(merchants::table)
        .left_join(products::table.on(complaints::product_id.eq(products::id.nullable())))
        .left_join(live_sessions::table.on(complaints::live_session_id.eq(live_sessions::id.nullable())))
        .left_join(live_rooms::table.on(complaints::room_id.eq(live_rooms::id.nullable())))
        .left_join(hosts::table.on(complaints::host_id.eq(hosts::id.nullable())))
        .select((
            Complaint::as_select(),
            merchants::name,
            products::name.nullable(),
            live_sessions::started_at.nullable(),
            live_rooms::name.nullable(),
            hosts::display_name.nullable(),
        ))
        .order(complaints::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(id) = before {
        q = q.filter(complaints::id.lt(id));
    }
    if let Some(state) = filter.state {
        q = q.filter(complaints::state.eq(state));
    }
    if let Some(reason) = filter.reason {
        q = q.filter(complaints::escalation_reason.eq(reason));
    }
    if let Some(id) = filter.merchant_id {
        q = q.filter(complaints::merchant_id.eq(id));
    }
    if let Some(category) = filter.category {
        q = q.filter(complaints::category.eq(category));
    }
    if let Some(from) = filter.received_from {
        q = q.filter(complaints::submitted_at.ge(to_db(from)));
    }
    if let Some(before) = filter.received_before {
        q = q.filter(complaints::submitted_at.lt(to_db(before)));
    }
    if filter.breached_from.is_some() || filter.breached_before.is_some() {
        // Bounds both databases can hold, for a side not asked for.
        let far = |y| NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
        let from = filter.breached_from.map_or_else(|| far(1970), to_db);
        let before = filter.breached_before.map_or_else(|| far(9999), to_db);
        q = q.filter(
            complaints::response_breached_at
                .ge(from)
                .and(complaints::response_breached_at.lt(before))
                .or(complaints::resolution_breached_at.ge(from).and(complaints::resolution_breached_at.lt(before))),
        );
    }
    let rows: Vec<ExportTuple> = q.load(conn)?;
    // The page's collective cases, in one statement.
    let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
    let cases: std::collections::HashMap<i64, i64> = incident_complaints::table
        .inner_join(incidents::table)
        .filter(incident_complaints::complaint_id.eq_any(&ids))
        .filter(incidents::collective_at.is_not_null())
        .select((incident_complaints::complaint_id, incidents::id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    // And their reliefs, in one more (a range of `reliefs_complaint` each).
    let mut reliefs: std::collections::HashMap<i64, super::reliefs::ReliefRow> =
        super::reliefs::latest_of(conn, &ids)?.into_iter().map(|r| (r.complaint_id, r)).collect();
    // And their register rows, in one more (by primary key).
    let mut register: std::collections::HashMap<i64, super::register::Entry> =
        super::register::of_complaints(conn, &ids)?.into_iter().map(|e| (e.complaint_id, e)).collect();
    Ok(rows
        .into_iter()
        .map(|(complaint, merchant, product, session_started_at, room, host)| ExportRow {
            case: cases.get(&complaint.id).copied(),
            relief: reliefs.remove(&complaint.id),
            register: register.remove(&complaint.id),
            complaint,
            merchant,
            product,
            session_started_at,
            room,
            host,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_timestamps_read_what_chrono_reads() {
        for text in [
            "2026-11-20 10:00:00",
            "2026-11-20 10:00:00.5",
            "2026-11-20 10:00:00.123",
            "2026-11-20 23:59:59.999999",
            "2024-02-29 00:00:00.000001",
            "1999-12-31 12:34:56.123456789",
        ] {
            let chrono = NaiveDateTime::parse_from_str(text, "%F %T%.f").unwrap();
            assert_eq!(QuickTimestamp::from_text(text), Some(chrono), "{text}");
        }
        for odd in [
            "2026-11-20T10:00:00",
            "2026-02-30 10:00:00",
            "2026-11-20 10:00:60",
            "2026-11-20 10:00:00.",
            "2460000.5",
            "",
        ] {
            assert_eq!(QuickTimestamp::from_text(odd), None, "{odd}: diesel's reading decides");
        }
    }
}

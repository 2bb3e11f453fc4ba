//! Repeat-offender flags, and the figures they are decided on: each a
//! range over an index that starts with the merchant. The flags about a
//! merchant's hosts and products, in the same table, are in [`live`]; the
//! functions here that take a merchant's id are about its own flag.

pub mod live;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::merchants;
use super::schema::{complaints, hosts, merchant_flags, merchants as merchants_table, products};
use super::{DbConnection, to_db};
use crate::domain::category::Category;
use crate::domain::live::Target;
use crate::domain::offender::{Figures, Supervision, public_before_confirmed};
use crate::domain::state::Outcome;

/// The references of `of`'s complaints upheld (fully or partly) since
/// `since` in a fraud category (false advertising, price fraud), oldest
/// ruling first: the third threshold, for merchants, hosts and products.
pub(super) fn upheld_fraud(
    conn: &mut DbConnection,
    of: complaints::BoxedQuery<'static, super::MultiBackend>,
    since: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    of.filter(complaints::outcome.eq_any([Outcome::Upheld, Outcome::PartlyUpheld]))
        .filter(complaints::ended_at.ge(since))
        .filter(complaints::category.eq_any([Category::FalseAdvertising, Category::PriceFraud]))
        .select(complaints::reference)
        .order(complaints::ended_at)
        .load(conn)
}

/// Which complaints count toward a merchant's volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volume {
    /// Every complaint (phone verification off).
    All,
    /// Only complaints whose phone number was proved by a code: anyone can
    /// file complaints, so unproved ones do not make a merchant a repeat
    /// offender. Breaches and upheld rulings count regardless.
    Verified,
}

/// A merchant's figures since `since`, every complaint counted.
pub fn figures(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<Figures> {
    figures_of(conn, merchant_id, since, Volume::All)
}

/// A merchant's figures since `since`, its volume counted as `volume` says.
pub fn figures_of(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: DateTime<Utc>,
    volume: Volume,
) -> QueryResult<Figures> {
    let at = since;
    let since = to_db(since);
    let mine = || complaints::table.filter(complaints::merchant_id.eq(merchant_id));
    let mut breaches: Vec<(NaiveDateTime, String)> = mine()
        .filter(complaints::response_breached_at.ge(since))
        .select((complaints::response_breached_at.assume_not_null(), complaints::reference))
        .load(conn)?;
    breaches.extend(
        mine()
            .filter(complaints::resolution_breached_at.ge(since))
            .select((complaints::resolution_breached_at.assume_not_null(), complaints::reference))
            .load::<(NaiveDateTime, String)>(conn)?,
    );
    breaches.extend(undelivered_relief(conn, merchant_id, since)?);
    breaches.sort();
    let complaints = complaint_count_of(conn, merchant_id, at, volume)?;
    let upheld_fraud = upheld_fraud(conn, mine().into_boxed(), since)?;
    Ok(Figures {
        breaches: breaches.into_iter().map(|(_, r)| r).collect(),
        complaints: complaints as usize,
        upheld_fraud,
    })
}

/// Breached deadlines of a merchant since `since`: just the number.
pub fn breach_count(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<i64> {
    let since = to_db(since);
    let mine = || complaints::table.filter(complaints::merchant_id.eq(merchant_id));
    let response: i64 = mine().filter(complaints::response_breached_at.ge(since)).count().get_result(conn)?;
    let resolution: i64 = mine().filter(complaints::resolution_breached_at.ge(since)).count().get_result(conn)?;
    Ok(response + resolution + undelivered_relief(conn, merchant_id, since)?.len() as i64)
}

/// Money a merchant promised (or was ordered to pay) that the consumer
/// said never arrived, since `since`: a broken promise, counted as a
/// breach (when the consumer said so, and which complaint). A range of
/// `reliefs_merchant`.
fn undelivered_relief(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, String)>> {
    use super::schema::reliefs;
    reliefs::table
        .inner_join(complaints::table)
        .filter(reliefs::merchant_id.eq(merchant_id))
        .filter(reliefs::kind.eq(crate::domain::relief::ReliefKind::Monetary))
        .filter(reliefs::received.eq(false))
        .filter(reliefs::answered_at.ge(since))
        .select((reliefs::answered_at.assume_not_null(), complaints::reference))
        .load(conn)
}

/// Complaints a merchant received since `since`: just the number.
pub fn complaint_count(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<i64> {
    complaint_count_of(conn, merchant_id, since, Volume::All)
}

/// Complaints a merchant received since `since` that count as `volume`
/// says: a range of `complaints_merchant_submitted`.
pub fn complaint_count_of(
    conn: &mut DbConnection,
    merchant_id: i64,
    since: DateTime<Utc>,
    volume: Volume,
) -> QueryResult<i64> {
    let mut q = complaints::table
        .filter(complaints::merchant_id.eq(merchant_id))
        .filter(complaints::submitted_at.ge(to_db(since)))
        .into_boxed();
    if volume == Volume::Verified {
        q = q.filter(complaints::phone_verified_at.is_not_null());
    }
    q.count().get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = merchant_flags)]
pub struct Flag {
    pub id: i64,
    pub merchant_id: i64,
    pub state: FlagState,
    pub reasons: String,
    pub raised_at: NaiveDateTime,
    pub last_tripped_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub note: Option<String>,
    pub counted_at: Option<NaiveDateTime>,
    /// What the flag is about: the merchant, or one of its hosts or
    /// products (`subject_id`).
    pub subject: Target,
    pub subject_id: Option<i64>,
}

crate::slug_enum! {
    pub enum FlagState {
        /// Waiting for a supervisor.
        Flagged => "flagged",
        /// Confirmed: a supervision case is open.
        Supervised => "supervised",
        Dismissed => "dismissed",
        /// Fell below every threshold for the whole window.
        Cleared => "cleared",
        /// The supervision case was closed.
        Closed => "closed",
    }
}

/// The merchant's own flag still on the list (flagged or supervised), if
/// any: not one of its hosts' or products'.
pub fn open_flag(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Option<Flag>> {
    // For every new complaint and every merchant a sweep breaches: two
    // comparisons rather than `IN (…)`, which diesel prepares afresh each
    // time, on the backend's own connection (`on_backend!`).
    crate::on_backend!(conn, |c| merchant_flags::table
        .filter(merchant_flags::merchant_id.eq(merchant_id))
        .filter(merchant_flags::subject.eq(Target::Merchant))
        .filter(merchant_flags::state.eq(FlagState::Flagged).or(merchant_flags::state.eq(FlagState::Supervised)),)
        .select(Flag::as_select())
        .order(merchant_flags::id.desc())
        .first(c)
        .optional())
}

pub fn raise(conn: &mut DbConnection, merchant_id: i64, reasons: &str, now: DateTime<Utc>) -> QueryResult<i64> {
    let id = diesel::insert_into(merchant_flags::table)
        .values((
            merchant_flags::merchant_id.eq(merchant_id),
            merchant_flags::state.eq(FlagState::Flagged),
            merchant_flags::reasons.eq(reasons),
            merchant_flags::raised_at.eq(to_db(now)),
            merchant_flags::last_tripped_at.eq(to_db(now)),
        ))
        .returning(merchant_flags::id)
        .get_result(conn)?;
    merchants::set_supervision(conn, merchant_id, pending_status(reasons).slug())?;
    Ok(id)
}

/// What the public scorecard says of a merchant whose flag awaits a
/// decision: `flagged`, or `none` while complaint volume is its only
/// reason (see [`public_before_confirmed`]).
fn pending_status(reasons: &str) -> Supervision {
    if public_before_confirmed(reasons) { Supervision::Flagged } else { Supervision::None }
}

/// Still over a threshold: the reasons as they stand now. A merchant's flag
/// awaiting a decision is public once a reason other than volume joins it
/// (and hidden again if volume is all that is left); a host's or a
/// product's leaves the merchant's standing alone.
pub fn tripped(conn: &mut DbConnection, flag: &Flag, reasons: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(merchant_flags::table.find(flag.id))
        .set((
            merchant_flags::reasons.eq(reasons),
            merchant_flags::last_tripped_at.eq(to_db(now)),
            merchant_flags::counted_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if flag.subject == Target::Merchant
        && flag.state == FlagState::Flagged
        && pending_status(reasons) != pending_status(&flag.reasons)
    {
        merchants::set_supervision(conn, flag.merchant_id, pending_status(reasons).slug())?;
    }
    Ok(())
}

/// Re-counted at `now` and below every threshold: nothing else changes.
pub fn counted(conn: &mut DbConnection, flag_id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(merchant_flags::table.find(flag_id))
        .set(merchant_flags::counted_at.eq(to_db(now)))
        .execute(conn)
        .map(drop)
}

/// Moves a flag from `from` to `to`; false if it was not in `from`. The
/// merchant's own flag sets its supervision status as it goes; a host's or
/// a product's is about that one thing, and the merchant's status stays
/// as it is (see `service::offenders::FlagDecision`).
pub fn decide(
    conn: &mut DbConnection,
    flag: &Flag,
    from: FlagState,
    to: FlagState,
    by: Option<i64>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(merchant_flags::table.find(flag.id).filter(merchant_flags::state.eq(from)))
        .set((
            merchant_flags::state.eq(to),
            merchant_flags::decided_at.eq(to_db(now)),
            merchant_flags::decided_by.eq(by),
            merchant_flags::note.eq(note),
        ))
        .execute(conn)?;
    if n == 1 && flag.subject == Target::Merchant {
        let status = match to {
            FlagState::Flagged => Supervision::Flagged,
            FlagState::Supervised => Supervision::Supervised,
            FlagState::Dismissed | FlagState::Cleared | FlagState::Closed => Supervision::None,
        };
        merchants::set_supervision(conn, flag.merchant_id, status.slug())?;
    }
    Ok(n == 1)
}

/// A flag on the supervisors' list, with the names of what it is about.
#[derive(Debug, Clone)]
pub struct Listed {
    pub flag: Flag,
    pub merchant: String,
    /// The host's display name or the product's name; none for the
    /// merchant's own flag.
    pub about: Option<String>,
}

/// Flags on the supervisors' list, oldest first, with the merchant's name
/// and, for a host's or a product's, its name.
pub fn on_list(conn: &mut DbConnection) -> QueryResult<Vec<Listed>> {
    let host = merchant_flags::subject.eq(Target::Host).and(merchant_flags::subject_id.eq(hosts::id.nullable()));
    let product =
        merchant_flags::subject.eq(Target::Product).and(merchant_flags::subject_id.eq(products::id.nullable()));
    let rows: Vec<(Flag, String, Option<String>, Option<String>)> = merchant_flags::table
        .inner_join(merchants_table::table)
        .left_join(hosts::table.on(host))
        .left_join(products::table.on(product))
        .filter(merchant_flags::state.eq_any([FlagState::Flagged, FlagState::Supervised]))
        .select((Flag::as_select(), merchants_table::name, hosts::display_name.nullable(), products::name.nullable()))
        .order(merchant_flags::raised_at)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(flag, merchant, host, product)| Listed { flag, merchant, about: host.or(product) })
        .collect())
}

/// When a flag of this merchant (its own) was last dismissed.
pub fn last_dismissed(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    merchant_flags::table
        .filter(merchant_flags::merchant_id.eq(merchant_id))
        .filter(merchant_flags::subject.eq(Target::Merchant))
        .filter(merchant_flags::state.eq(FlagState::Dismissed))
        .select(diesel::dsl::max(merchant_flags::decided_at))
        .first::<Option<NaiveDateTime>>(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Flag>> {
    merchant_flags::table.find(id).select(Flag::as_select()).first(conn).optional()
}

/// Merchants' own flags awaiting a decision that a new count could change:
/// their merchant
/// has had a complaint, a breach or a ruling since the flag was last
/// counted, or it last met a threshold at or before `quiet_since` (one
/// whole window ago: to be cleared unless it meets one again). Each probe
/// is a range of one merchant's index, so the cost follows what happened,
/// not how many merchants are flagged.
pub fn to_recount(conn: &mut DbConnection, quiet_since: DateTime<Utc>) -> QueryResult<Vec<Flag>> {
    // Correlated sub-queries, written out: the query DSL cannot name the
    // outer row inside them.
    let since = "COALESCE(merchant_flags.counted_at, merchant_flags.last_tripped_at)";
    let activity = [
        format!("complaints.submitted_at >= {since}"),
        format!("complaints.response_breached_at >= {since}"),
        format!("complaints.resolution_breached_at >= {since}"),
        format!("complaints.outcome IS NOT NULL AND complaints.ended_at >= {since}"),
    ]
    .map(|happened| {
        format!(
            "EXISTS (SELECT 1 FROM complaints \
             WHERE complaints.merchant_id = merchant_flags.merchant_id AND {happened})"
        )
    })
    .join(" OR ");
    merchant_flags::table
        .filter(merchant_flags::state.eq(FlagState::Flagged))
        .filter(merchant_flags::subject.eq(Target::Merchant))
        .filter(merchant_flags::last_tripped_at.le(to_db(quiet_since)).or(diesel::dsl::sql::<Bool>(&activity)))
        .select(Flag::as_select())
        .order(merchant_flags::id)
        .load(conn)
}

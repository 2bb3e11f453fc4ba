//! Repeat-offender flags about a merchant's hosts and products: in
//! `merchant_flags` with `subject` and `subject_id`, found by the index
//! `merchant_flags_subject`. Their figures are ranges over the partial
//! indexes `complaints_host_submitted` and `complaints_product_submitted`
//! (`(host_id, submitted_at)`, `(product_id, submitted_at)`), so a host's
//! count reads that host's complaints of the window, never the table.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamp};

use super::{Flag, FlagState, Volume};
use crate::domain::live::Target;
use crate::domain::offender::{Figures, Subject};
use crate::store::schema::{complaints, merchant_flags};
use crate::store::{DbConnection, MultiBackend, to_db};

/// The complaints that name `subject`: a range of its partial index.
fn naming(subject: Subject) -> complaints::BoxedQuery<'static, MultiBackend> {
    match subject {
        Subject::Host(id) => complaints::table.filter(complaints::host_id.eq(id)).into_boxed(),
        Subject::Product(id) => complaints::table.filter(complaints::product_id.eq(id)).into_boxed(),
    }
}

/// `subject`'s figures since `since`. A deadline is recorded as breached
/// at its due time, at most `reach` (the longer deadline) after filing, so
/// a breach in the window is one of the complaints filed since
/// `since - reach`: the breaches are read from that range of the index,
/// not from every complaint that ever named the host. A ruling has no such
/// bound (a complaint can wait long for one): the upheld ones are read
/// from all of the subject's complaints, still a range of its index, and
/// only when something made the figures worth counting.
pub fn figures_of(
    conn: &mut DbConnection,
    subject: Subject,
    since: DateTime<Utc>,
    reach: Duration,
    volume: Volume,
) -> QueryResult<Figures> {
    let (filed, since_db) = (to_db(since - reach), to_db(since));
    let mut breaches: Vec<(NaiveDateTime, String)> = naming(subject)
        .filter(complaints::submitted_at.ge(filed))
        .filter(complaints::response_breached_at.ge(since_db))
        .select((complaints::response_breached_at.assume_not_null(), complaints::reference))
        .load(conn)?;
    breaches.extend(
        naming(subject)
            .filter(complaints::submitted_at.ge(filed))
            .filter(complaints::resolution_breached_at.ge(since_db))
            .select((complaints::resolution_breached_at.assume_not_null(), complaints::reference))
            .load::<(NaiveDateTime, String)>(conn)?,
    );
    breaches.sort();
    let complaints = complaint_count(conn, subject, since, volume)?;
    let upheld_fraud = super::upheld_fraud(conn, naming(subject), since_db)?;
    Ok(Figures {
        breaches: breaches.into_iter().map(|(_, r)| r).collect(),
        complaints: complaints as usize,
        upheld_fraud,
    })
}

/// Breached deadlines of `subject`'s complaints since `since` (filed
/// since `since - reach`, as [`figures_of`] says): just the number.
pub fn breach_count(
    conn: &mut DbConnection,
    subject: Subject,
    since: DateTime<Utc>,
    reach: Duration,
) -> QueryResult<i64> {
    let (filed, since) = (to_db(since - reach), to_db(since));
    let response: i64 = naming(subject)
        .filter(complaints::submitted_at.ge(filed))
        .filter(complaints::response_breached_at.ge(since))
        .count()
        .get_result(conn)?;
    let resolution: i64 = naming(subject)
        .filter(complaints::submitted_at.ge(filed))
        .filter(complaints::resolution_breached_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok(response + resolution)
}

/// Complaints naming `subject` filed since `since` that count as `volume`
/// says: just the number.
pub fn complaint_count(
    conn: &mut DbConnection,
    subject: Subject,
    since: DateTime<Utc>,
    volume: Volume,
) -> QueryResult<i64> {
    let mut q = naming(subject).filter(complaints::submitted_at.ge(to_db(since)));
    if volume == Volume::Verified {
        q = q.filter(complaints::phone_verified_at.is_not_null());
    }
    q.count().get_result(conn)
}

/// The flag about `subject` still on the list (flagged or supervised).
pub fn open_flag(conn: &mut DbConnection, subject: Subject) -> QueryResult<Option<Flag>> {
    merchant_flags::table
        .filter(merchant_flags::subject.eq(subject.target()))
        .filter(merchant_flags::subject_id.eq(subject.id()))
        .filter(merchant_flags::state.eq(FlagState::Flagged).or(merchant_flags::state.eq(FlagState::Supervised)))
        .select(Flag::as_select())
        .order(merchant_flags::id.desc())
        .first(conn)
        .optional()
}

/// A new flag about `subject`, one of `merchant_id`'s. The merchant's
/// supervision status is not touched: the public scorecard speaks of the
/// merchant's own record.
pub fn raise(
    conn: &mut DbConnection,
    merchant_id: i64,
    subject: Subject,
    reasons: &str,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(merchant_flags::table)
        .values((
            merchant_flags::merchant_id.eq(merchant_id),
            merchant_flags::subject.eq(subject.target()),
            merchant_flags::subject_id.eq(subject.id()),
            merchant_flags::state.eq(FlagState::Flagged),
            merchant_flags::reasons.eq(reasons),
            merchant_flags::raised_at.eq(to_db(now)),
            merchant_flags::last_tripped_at.eq(to_db(now)),
        ))
        .returning(merchant_flags::id)
        .get_result(conn)
}

/// When a flag about `subject` was last dismissed.
pub fn last_dismissed(conn: &mut DbConnection, subject: Subject) -> QueryResult<Option<NaiveDateTime>> {
    merchant_flags::table
        .filter(merchant_flags::subject.eq(subject.target()))
        .filter(merchant_flags::subject_id.eq(subject.id()))
        .filter(merchant_flags::state.eq(FlagState::Dismissed))
        .select(diesel::dsl::max(merchant_flags::decided_at))
        .first::<Option<NaiveDateTime>>(conn)
}

/// Hosts' and products' flags awaiting a decision that a new count could
/// change, as `super::to_recount` finds the merchants': a complaint naming
/// the subject was filed, or one of its deadlines breached, since the flag
/// was last counted; or it last met a threshold at or before
/// `quiet_since`. A ruling is not looked for: it re-counts the flags of
/// its host and product at once (`Trigger::Ruling`). A flag the second
/// probe matters for was counted after `quiet_since`, so a breach since
/// then is of a complaint filed since `quiet_since - reach`: the probe is a
/// range of the subject's index, not all of its complaints.
pub fn to_recount(conn: &mut DbConnection, quiet_since: DateTime<Utc>, reach: Duration) -> QueryResult<Vec<Flag>> {
    let mut out = Vec::new();
    for (target, column) in [(Target::Host, "host_id"), (Target::Product, "product_id")] {
        let since = "COALESCE(merchant_flags.counted_at, merchant_flags.last_tripped_at)";
        let mine = format!("complaints.{column} = merchant_flags.subject_id");
        let filed = format!(
            "(EXISTS (SELECT 1 FROM complaints WHERE {mine} AND complaints.submitted_at >= {since}) \
             OR EXISTS (SELECT 1 FROM complaints WHERE {mine} AND complaints.submitted_at >= "
        );
        let breached = format!(
            " AND (complaints.response_breached_at >= {since} OR complaints.resolution_breached_at >= {since})))"
        );
        let activity = diesel::dsl::sql::<Bool>(&filed).bind::<Timestamp, _>(to_db(quiet_since - reach)).sql(&breached);
        out.extend(
            merchant_flags::table
                .filter(merchant_flags::state.eq(FlagState::Flagged))
                .filter(merchant_flags::subject.eq(target))
                .filter(merchant_flags::subject_id.is_not_null())
                .filter(merchant_flags::last_tripped_at.le(to_db(quiet_since)).or(activity))
                .select(Flag::as_select())
                .order(merchant_flags::id)
                .load(conn)?,
        );
    }
    Ok(out)
}

/// The flags about `merchant_id`'s hosts and products still on the list,
/// newest first: a range of `merchant_flags_merchant`.
pub fn open_of_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<Flag>> {
    merchant_flags::table
        .filter(merchant_flags::merchant_id.eq(merchant_id))
        .filter(merchant_flags::subject_id.is_not_null())
        .filter(merchant_flags::state.eq(FlagState::Flagged).or(merchant_flags::state.eq(FlagState::Supervised)))
        .select(Flag::as_select())
        .order(merchant_flags::id.desc())
        .load(conn)
}

//! The public register's rows (`register_entries`): the consumer's consent,
//! when a case is published, a supervisor hiding it, the merchant's public
//! response. Every read of published cases goes through [`listed`], so no
//! unconsented, hidden or not-yet-due case is ever read for the public.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{complaints, products, register_entries, register_terms, users};
use super::{DbConnection, to_db};
use crate::domain::category::Category;
use crate::domain::live::ProductCategory;
use crate::domain::register::{PublicResponse, publish_at};

/// A complaint's row in the register, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = register_entries)]
pub struct Entry {
    pub complaint_id: i64,
    pub merchant_id: i64,
    pub consent: bool,
    pub consent_at: NaiveDateTime,
    pub submitted_at: NaiveDateTime,
    pub publish_at: NaiveDateTime,
    pub category: Category,
    pub product_category: Option<ProductCategory>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<i64>,
    pub hidden_reason: Option<String>,
    pub response: Option<PublicResponse>,
    pub response_at: Option<NaiveDateTime>,
    pub indexed_at: Option<NaiveDateTime>,
}

impl Entry {
    /// Whether the public sees it at `now`.
    pub fn is_listed(&self, now: DateTime<Utc>) -> bool {
        self.consent && self.hidden_at.is_none() && self.publish_at <= to_db(now)
    }
}

/// The filter [`listed`] is: consented, not hidden, due.
pub type Listed = diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::Eq<register_entries::consent, bool>,
        diesel::dsl::IsNull<register_entries::hidden_at>,
    >,
    diesel::dsl::LtEq<register_entries::publish_at, NaiveDateTime>,
>;

/// `register_entries` rows the public sees at `now`: consented, not hidden,
/// due. Every public read filters by this.
pub fn listed(now: DateTime<Utc>) -> Listed {
    register_entries::consent
        .eq(true)
        .and(register_entries::hidden_at.is_null())
        .and(register_entries::publish_at.le(to_db(now)))
}

/// A complaint's register row, if it has one.
pub fn find(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Option<Entry>> {
    register_entries::table.find(complaint_id).select(Entry::as_select()).first(conn).optional()
}

/// The register rows of complaints `ids` (those that have one), in one
/// statement: for a page of the supervisors' export.
pub fn of_complaints(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Entry>> {
    register_entries::table.filter(register_entries::complaint_id.eq_any(ids)).select(Entry::as_select()).load(conn)
}

/// A complaint's register row with the e-mail of the supervisor who hid
/// it, if one did: the supervisors' complaint page.
pub fn find_with_hider(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Option<(Entry, Option<String>)>> {
    register_entries::table
        .left_join(users::table.on(register_entries::hidden_by.eq(users::id.nullable())))
        .filter(register_entries::complaint_id.eq(complaint_id))
        .select((Entry::as_select(), users::email.nullable()))
        .first(conn)
        .optional()
}

/// A complaint filed with the consumer's consent, as intake has it at hand.
pub struct AtIntake {
    pub complaint_id: i64,
    pub merchant_id: i64,
    pub submitted_at: DateTime<Utc>,
    pub category: Category,
    /// The product's category, when the complaint names a product.
    pub product_category: Option<ProductCategory>,
}

/// The register row of a complaint filed with consent, in intake's
/// transaction: one insert of what intake already holds (no read: intake
/// is the hot path of the group-commit writer). Not answered yet, it is
/// due [`crate::domain::register::PUBLISH_AFTER`] after filing.
pub fn consented_at_intake(conn: &mut DbConnection, c: &AtIntake) -> QueryResult<()> {
    let insert = diesel::insert_into(register_entries::table).values((
        register_entries::complaint_id.eq(c.complaint_id),
        register_entries::merchant_id.eq(c.merchant_id),
        register_entries::consent.eq(true),
        register_entries::consent_at.eq(to_db(c.submitted_at)),
        register_entries::submitted_at.eq(to_db(c.submitted_at)),
        register_entries::publish_at.eq(to_db(publish_at(c.submitted_at, None))),
        register_entries::category.eq(c.category),
        register_entries::product_category.eq(c.product_category),
    ));
    crate::on_backend!(conn, |c| insert.execute(c))?;
    Ok(())
}

/// What a new register row copies of its complaint.
struct Copied {
    merchant_id: i64,
    submitted_at: NaiveDateTime,
    responded_at: Option<NaiveDateTime>,
    category: Category,
    product_category: Option<ProductCategory>,
}

fn copied(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Copied> {
    let (merchant_id, submitted_at, responded_at, category, product_id) = complaints::table
        .find(complaint_id)
        .select((
            complaints::merchant_id,
            complaints::submitted_at,
            complaints::responded_at,
            complaints::category,
            complaints::product_id,
        ))
        .first::<(i64, NaiveDateTime, Option<NaiveDateTime>, Category, Option<i64>)>(conn)?;
    let product_category = match product_id {
        Some(p) => products::table.find(p).select(products::category).first::<ProductCategory>(conn).optional()?,
        None => None,
    };
    Ok(Copied { merchant_id, submitted_at, responded_at, category, product_category })
}

/// Makes sure complaint `complaint_id` has a register row, with `consent`
/// if it is new; returns whether it made one.
fn ensure(conn: &mut DbConnection, complaint_id: i64, consent: bool, now: DateTime<Utc>) -> QueryResult<bool> {
    if find(conn, complaint_id)?.is_some() {
        return Ok(false);
    }
    let c = copied(conn, complaint_id)?;
    let publish = publish_at(super::from_db(c.submitted_at), c.responded_at.map(super::from_db));
    diesel::insert_into(register_entries::table)
        .values((
            register_entries::complaint_id.eq(complaint_id),
            register_entries::merchant_id.eq(c.merchant_id),
            register_entries::consent.eq(consent),
            register_entries::consent_at.eq(to_db(now)),
            register_entries::submitted_at.eq(c.submitted_at),
            register_entries::publish_at.eq(to_db(publish)),
            register_entries::category.eq(c.category),
            register_entries::product_category.eq(c.product_category),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Records the consumer's choice for complaint `complaint_id` at `now`;
/// returns whether it changed anything (giving consent twice is one
/// change). Withdrawing takes the case out of every public read at once;
/// its search terms go with it (written again if consent is given again).
pub fn set_consent(conn: &mut DbConnection, complaint_id: i64, consent: bool, now: DateTime<Utc>) -> QueryResult<bool> {
    if ensure(conn, complaint_id, consent, now)? {
        return Ok(consent);
    }
    let n = diesel::update(
        register_entries::table
            .filter(register_entries::complaint_id.eq(complaint_id))
            .filter(register_entries::consent.eq(!consent)),
    )
    .set((
        register_entries::consent.eq(consent),
        register_entries::consent_at.eq(to_db(now)),
        register_entries::indexed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    if n == 1 && !consent {
        drop_terms(conn, &[complaint_id])?;
    }
    Ok(n == 1)
}

/// The merchant answered complaint `complaint_id` publicly for the first
/// time at `at`: a consented case is published from then on (if that is
/// sooner than fifteen days after filing). One statement by primary key;
/// nothing when the complaint has no register row.
pub fn responded(conn: &mut DbConnection, complaint_id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        register_entries::table
            .filter(register_entries::complaint_id.eq(complaint_id))
            .filter(register_entries::publish_at.gt(at)),
    )
    .set(register_entries::publish_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// A supervisor hides case `complaint_id` (for defamation, or a leak the
/// scrubber missed); false when it is already hidden or not in the register.
pub fn hide(
    conn: &mut DbConnection,
    complaint_id: i64,
    by: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        register_entries::table
            .filter(register_entries::complaint_id.eq(complaint_id))
            .filter(register_entries::hidden_at.is_null()),
    )
    .set((
        register_entries::hidden_at.eq(to_db(now)),
        register_entries::hidden_by.eq(by),
        register_entries::hidden_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A supervisor shows hidden case `complaint_id` again; false when it was
/// not hidden.
pub fn unhide(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        register_entries::table
            .filter(register_entries::complaint_id.eq(complaint_id))
            .filter(register_entries::hidden_at.is_not_null()),
    )
    .set((
        register_entries::hidden_at.eq(None::<NaiveDateTime>),
        register_entries::hidden_by.eq(None::<i64>),
        register_entries::hidden_reason.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The merchant chooses (or changes) its public response to complaint
/// `complaint_id`; returns whether it changed. The caller checks the
/// 180 days ([`crate::domain::register::response_changeable`]).
pub fn set_response(
    conn: &mut DbConnection,
    complaint_id: i64,
    response: PublicResponse,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    ensure(conn, complaint_id, false, now)?;
    let n = diesel::update(
        register_entries::table
            .filter(register_entries::complaint_id.eq(complaint_id))
            .filter(register_entries::response.is_null().or(register_entries::response.ne(response))),
    )
    .set((register_entries::response.eq(response), register_entries::response_at.eq(to_db(now))))
    .execute(conn)?;
    Ok(n == 1)
}

/// Deletes the search terms of complaints `ids`, in one statement: for a
/// batch of the index job, a lookup of `register_terms_complaint` for each
/// where the planner knows the table, and one pass over it, not one per
/// case, where its statistics are stale (PostgreSQL without autovacuum
/// plans a table it last analysed empty as empty).
pub fn drop_terms(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(register_terms::table.filter(register_terms::complaint_id.eq_any(ids))).execute(conn)
}

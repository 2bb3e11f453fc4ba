//! Merchants: organisations with a unified social credit code.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::merchants;
use crate::domain::merchant::SoldCategories;
use crate::domain::offender::Supervision;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = merchants)]
pub struct Merchant {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub email: String,
    pub shop_url: String,
    pub categories: SoldCategories,
    pub qualification: Option<String>,
    // `credit_points` is no longer read: the score is counted from the
    // actions (`service::violations::standing`).
    pub supervision: Supervision,
    pub created_at: NaiveDateTime,
    /// A mobile number for notices by SMS, if the merchant gave one.
    pub phone: Option<String>,
}

/// A merchant's id and name, for choosing one in a form. Suspended
/// merchants stay listed: their customers still need after-sales.
#[derive(Debug, Clone, Queryable)]
pub struct MerchantChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = merchants)]
pub struct NewMerchant<'a> {
    pub name: &'a str,
    pub credit_code: &'a str,
    pub email: &'a str,
    pub shop_url: &'a str,
    pub phone: Option<&'a str>,
    pub categories: &'a str,
    pub qualification: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewMerchant<'_>) -> QueryResult<i64> {
    diesel::insert_into(merchants::table).values(new).returning(merchants::id).get_result(conn)
}

pub fn credit_code_taken(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(merchants::table.filter(merchants::credit_code.eq(code)))).get_result(conn)
}

/// The merchant with this (exact, validated) credit code.
pub fn by_credit_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<i64>> {
    merchants::table.filter(merchants::credit_code.eq(code)).select(merchants::id).first(conn).optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Merchant>> {
    // For every complaint filed and every notice to a merchant: on the
    // backend's own connection (see `on_backend!`).
    crate::on_backend!(conn, |c| merchants::table.find(id).select(Merchant::as_select()).first(c).optional())
}

/// The first `limit` merchants by name.
pub fn choices(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<MerchantChoice>> {
    merchants::table
        .select((merchants::id, merchants::name))
        .order((merchants::name, merchants::id))
        .limit(limit)
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    merchants::table.count().get_result(conn)
}

/// Merchants whose name contains `q` (all when empty), by name, a page at
/// a time.
pub fn search(conn: &mut DbConnection, q: &str, offset: i64, limit: i64) -> QueryResult<Vec<Merchant>> {
    let mut query = merchants::table.select(Merchant::as_select()).order((merchants::name, merchants::id)).into_boxed();
    let q = q.trim();
    if !q.is_empty() {
        let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        query = query.filter(merchants::name.like(format!("%{escaped}%")).escape('\\'));
    }
    query.offset(offset).limit(limit).load(conn)
}

/// `status` is a [`Supervision`]'s slug.
pub fn set_supervision(conn: &mut DbConnection, id: i64, status: &str) -> QueryResult<()> {
    diesel::update(merchants::table.find(id)).set(merchants::supervision.eq(status)).execute(conn).map(drop)
}

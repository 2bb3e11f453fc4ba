//! A merchant's reply templates (quick replies). Every query names the
//! merchant: a template is only ever found through its own merchant.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::reply_templates;
use super::{DbConnection, to_db};
use crate::domain::reply_template::ReplyTemplate;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reply_templates)]
pub struct TemplateRow {
    pub id: i64,
    pub title: String,
    /// The text, placeholders unfilled.
    pub body: String,
}

/// The merchant's templates, oldest first.
pub fn of_merchant(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<TemplateRow>> {
    reply_templates::table
        .filter(reply_templates::merchant_id.eq(merchant_id))
        .order(reply_templates::id)
        .select(TemplateRow::as_select())
        .load(conn)
}

/// The merchant's templates by title, for the reply form's picker.
pub fn titles(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<Vec<(i64, String)>> {
    reply_templates::table
        .filter(reply_templates::merchant_id.eq(merchant_id))
        .order(reply_templates::id)
        .select((reply_templates::id, reply_templates::title))
        .load(conn)
}

/// The merchant's template `id`; another merchant's is not found.
pub fn find(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<Option<TemplateRow>> {
    reply_templates::table
        .filter(reply_templates::id.eq(id))
        .filter(reply_templates::merchant_id.eq(merchant_id))
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection, merchant_id: i64) -> QueryResult<i64> {
    reply_templates::table.filter(reply_templates::merchant_id.eq(merchant_id)).count().get_result(conn)
}

pub fn insert(
    conn: &mut DbConnection,
    merchant_id: i64,
    by: i64,
    t: &ReplyTemplate,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(reply_templates::table)
        .values((
            reply_templates::merchant_id.eq(merchant_id),
            reply_templates::title.eq(&t.title),
            reply_templates::body.eq(&t.text),
            reply_templates::created_by.eq(by),
            reply_templates::created_at.eq(to_db(now)),
            reply_templates::updated_at.eq(to_db(now)),
        ))
        .returning(reply_templates::id)
        .get_result(conn)
}

/// Rewrites the merchant's template `id`; returns whether there was one.
pub fn update(
    conn: &mut DbConnection,
    merchant_id: i64,
    id: i64,
    t: &ReplyTemplate,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let mine = reply_templates::id.eq(id).and(reply_templates::merchant_id.eq(merchant_id));
    let n = diesel::update(reply_templates::table.filter(mine))
        .set((
            reply_templates::title.eq(&t.title),
            reply_templates::body.eq(&t.text),
            reply_templates::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Deletes the merchant's template `id`; returns whether there was one.
pub fn delete(conn: &mut DbConnection, merchant_id: i64, id: i64) -> QueryResult<bool> {
    let mine = reply_templates::id.eq(id).and(reply_templates::merchant_id.eq(merchant_id));
    Ok(diesel::delete(reply_templates::table.filter(mine)).execute(conn)? == 1)
}

//! Quick replies: a merchant's staff keep reply templates, and fill one
//! into the reply form of a complaint.

use chrono::{DateTime, Utc};

use crate::domain::reply_template::{self, MAX_TEMPLATES, ReplyTemplate, Values};
use crate::store::{DbConnection, complaints, reply_templates as store};

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The merchant keeps [`MAX_TEMPLATES`] already.
    #[error("too many templates")]
    TooMany,
    /// No such template of this merchant.
    #[error("no such template")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Adds `t` to the merchant's templates, made by staff member `by`.
pub fn create(
    conn: &mut DbConnection,
    merchant_id: i64,
    by: i64,
    t: &ReplyTemplate,
    now: DateTime<Utc>,
) -> Result<i64, TemplateError> {
    conn.write(|conn| {
        // Counted in the transaction that adds: on SQLite, where writes
        // take turns, the limit holds exactly; two staff adding the fiftieth
        // at the same moment on PostgreSQL may keep one more.
        if store::count(conn, merchant_id)? >= MAX_TEMPLATES {
            return Err(TemplateError::TooMany);
        }
        Ok(store::insert(conn, merchant_id, by, t, now)?)
    })
}

pub fn update(
    conn: &mut DbConnection,
    merchant_id: i64,
    id: i64,
    t: &ReplyTemplate,
    now: DateTime<Utc>,
) -> Result<(), TemplateError> {
    let found = conn.write(|conn| store::update(conn, merchant_id, id, t, now))?;
    found.then_some(()).ok_or(TemplateError::NotFound)
}

pub fn delete(conn: &mut DbConnection, merchant_id: i64, id: i64) -> Result<(), TemplateError> {
    let found = conn.write(|conn| store::delete(conn, merchant_id, id))?;
    found.then_some(()).ok_or(TemplateError::NotFound)
}

/// The text of the merchant's template `id` with its placeholders filled
/// from the merchant's complaint `reference` (each once: see
/// [`reply_template::fill`]).
pub fn filled(conn: &mut DbConnection, merchant_id: i64, id: i64, reference: &str) -> Result<String, TemplateError> {
    let template = store::find(conn, merchant_id, id)?.ok_or(TemplateError::NotFound)?;
    let c = complaints::find_for_merchant(conn, merchant_id, reference)?.ok_or(TemplateError::NotFound)?;
    let values = Values { reference: &c.reference, consumer_name: &c.consumer_name, order_ref: &c.order_ref };
    Ok(reply_template::fill(&template.body, &values))
}

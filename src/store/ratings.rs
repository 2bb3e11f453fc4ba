//! The consumer's rating of how a complaint ended: once per complaint.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::ratings;
use super::{DbConnection, to_db};

pub fn find(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Option<(i32, Option<String>)>> {
    ratings::table.find(complaint_id).select((ratings::score, ratings::comment)).first(conn).optional()
}

pub fn insert(
    conn: &mut DbConnection,
    complaint_id: i64,
    merchant_id: i64,
    score: i32,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(ratings::table)
        .values((
            ratings::complaint_id.eq(complaint_id),
            ratings::merchant_id.eq(merchant_id),
            ratings::score.eq(score),
            ratings::comment.eq(comment),
            ratings::rated_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// A merchant's ratings since `since`: (sum of scores, how many). A range
/// over the covering index `ratings_merchant_scores`.
pub fn totals_since(conn: &mut DbConnection, merchant_id: i64, since: DateTime<Utc>) -> QueryResult<(i64, i64)> {
    let (sum, count): (Option<i64>, i64) = ratings::table
        .filter(ratings::merchant_id.eq(merchant_id))
        .filter(ratings::rated_at.ge(to_db(since)))
        .select((diesel::dsl::sum(ratings::score), diesel::dsl::count_star()))
        .get_result(conn)?;
    Ok((sum.unwrap_or(0), count))
}

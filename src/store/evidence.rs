//! Evidence rows: which file (by SHA-256) belongs to which complaint.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::evidence;
use super::{DbConnection, to_db};
use crate::domain::evidence::{Kind, Side, Stored};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evidence)]
pub struct Evidence {
    pub id: i64,
    pub complaint_id: i64,
    pub kind: Kind,
    pub sha256: String,
    pub thumb_sha256: Option<String>,
    pub bytes: i64,
    pub name: String,
    pub added_by: Side,
}

#[derive(Insertable)]
#[diesel(table_name = evidence)]
struct NewEvidence<'a> {
    complaint_id: i64,
    kind: Kind,
    sha256: &'a str,
    thumb_sha256: Option<&'a str>,
    bytes: i64,
    name: &'a str,
    added_by: Side,
    created_at: chrono::NaiveDateTime,
}

/// Records `files`, sent by `added_by`, as the complaint's, inside the
/// caller's transaction.
pub fn insert(
    conn: &mut DbConnection,
    complaint_id: i64,
    added_by: Side,
    files: &[Stored],
    at: DateTime<Utc>,
) -> QueryResult<()> {
    for f in files {
        diesel::insert_into(evidence::table)
            .values(NewEvidence {
                complaint_id,
                kind: f.kind,
                sha256: &f.sha256,
                thumb_sha256: f.thumb_sha256.as_deref(),
                bytes: f.bytes,
                name: &f.name,
                added_by,
                created_at: to_db(at),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// The complaint's evidence, in the order it came.
pub fn of(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Vec<Evidence>> {
    evidence::table
        .filter(evidence::complaint_id.eq(complaint_id))
        .order(evidence::id)
        .select(Evidence::as_select())
        .load(conn)
}

/// One file of the complaint's; `None` when the id is another complaint's.
pub fn find(conn: &mut DbConnection, complaint_id: i64, id: i64) -> QueryResult<Option<Evidence>> {
    evidence::table
        .filter(evidence::id.eq(id).and(evidence::complaint_id.eq(complaint_id)))
        .select(Evidence::as_select())
        .first(conn)
        .optional()
}

//! Where background jobs got to.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::job_marks;
use super::{DbConnection, from_db, to_db};

pub fn mark(conn: &mut DbConnection, name: &str) -> QueryResult<Option<DateTime<Utc>>> {
    job_marks::table.find(name).select(job_marks::at).first(conn).optional().map(|at| at.map(from_db))
}

pub fn set_mark(conn: &mut DbConnection, name: &str, at: DateTime<Utc>) -> QueryResult<()> {
    let n = diesel::update(job_marks::table.find(name)).set(job_marks::at.eq(to_db(at))).execute(conn)?;
    if n == 0 {
        diesel::insert_into(job_marks::table)
            .values((job_marks::name.eq(name), job_marks::at.eq(to_db(at))))
            .execute(conn)?;
    }
    Ok(())
}

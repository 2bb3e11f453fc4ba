//! Statements that stay prepared. Through the [`DbConnection`] enum every
//! statement is written out as SQL again, and diesel prepares every `UPDATE`
//! of its own afresh: the hot paths (intake, the sweep, the dispatcher) use
//! these instead.
//!
//! [`DbConnection`]: super::DbConnection

/// Runs one diesel expression on the connection inside the enum, each
/// backend's own. Through the enum, every statement is first written out
/// as SQL for the backend's sake, even one already prepared; run on the
/// connection itself, a prepared statement is found by its type alone. For
/// the statements the sweep and intake run per complaint.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::store::DbConnection::Sqlite($c) => $body,
            $crate::store::DbConnection::Pg($c) => $body,
        }
    };
}

/// An `UPDATE table SET … WHERE …` that SQLite may keep prepared: diesel
/// prepares every `UPDATE` of its own afresh (it never caches one), and on
/// the sweep's and the dispatcher's hot paths parsing the same statement
/// again was a sixth of the time. Cached by its text, which says everything
/// that varies (a changeset that skips unchanged columns gives another
/// text, cached apart).
pub struct Update<F, C, W> {
    from: F,
    set: C,
    filter: W,
}

/// `UPDATE table SET set WHERE filter`, kept prepared.
pub fn update<T, S, W>(table: T, set: S, filter: W) -> Update<T::FromClause, S::Changeset, W>
where
    T: diesel::Table,
    S: diesel::AsChangeset<Target = T>,
{
    Update { from: diesel::QuerySource::from_clause(&table), set: set.as_changeset(), filter }
}

impl<F, C, W, DB> diesel::query_builder::QueryFragment<DB> for Update<F, C, W>
where
    DB: diesel::backend::Backend,
    F: diesel::query_builder::QueryFragment<DB>,
    C: diesel::query_builder::QueryFragment<DB>,
    W: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> diesel::QueryResult<()> {
        out.push_sql("UPDATE ");
        self.from.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        self.set.walk_ast(out.reborrow())?;
        out.push_sql(" WHERE ");
        self.filter.walk_ast(out.reborrow())
    }
}

impl<F, C, W> diesel::query_builder::QueryId for Update<F, C, W> {
    type QueryId = ();
    // Keyed by its SQL text, never by its type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, C, W, Conn> diesel::RunQueryDsl<Conn> for Update<F, C, W> {}

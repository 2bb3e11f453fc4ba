//! The transaction of a write: on SQLite it takes the write lock up front,
//! after this process's other writers (the gate).

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::{DbConnection, gate};

impl DbConnection {
    /// A transaction that will write. On SQLite it begins `IMMEDIATE`, so it
    /// takes the write lock up front and waits on the busy timeout instead
    /// of failing when a read must turn into a write; on PostgreSQL it is an
    /// ordinary transaction. Inside a transaction it is a savepoint.
    pub fn write<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        // Inside a transaction already (a batch of the writer): a savepoint.
        let depth =
            <Self as Connection>::TransactionManager::transaction_manager_status_mut(self).transaction_depth()?;
        let gate = match self {
            DbConnection::Sqlite(c) if depth.is_none() => gate::of(c),
            _ => return self.transaction(f),
        };
        // This process's writers queue in the gate, then take SQLite's lock.
        let _pass = gate.as_deref().map(gate::Gate::enter).transpose()?;
        if let DbConnection::Sqlite(c) = self {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        }
        match f(self) {
            Ok(value) => {
                <Self as Connection>::TransactionManager::commit_transaction(self)?;
                Ok(value)
            }
            Err(e) => {
                // As diesel's own `transaction`: the caller's error is the
                // one worth reporting unless the rollback itself failed.
                match <Self as Connection>::TransactionManager::rollback_transaction(self) {
                    Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
                    Err(rollback) => Err(rollback.into()),
                }
            }
        }
    }
}

//! The database's one lock, which push and migrations share so that
//! concurrent deployers of one database wait for each other. What the lock
//! is comes from the [`Driver`](super::Driver): a PostgreSQL advisory lock
//! keyed on the database name, a MySQL `GET_LOCK` named after it, SQLite's
//! write lock (its write transaction).

use super::conn::Conn;
use crate::error::{Error, Result};

/// How long a push or migration waits for another one's session lock
/// (MySQL's `GET_LOCK` takes a timeout; PostgreSQL's advisory lock waits).
pub(crate) const LOCK_WAIT_SECS: u32 = 300;

/// The SQL of a lock held by a session rather than by a transaction.
#[derive(Debug, Clone)]
pub(crate) struct SessionLock {
    /// Returns `1` once the lock is held; anything else means it was not had in time.
    pub acquire: String,
    /// Releases it.
    pub release: String,
}

impl Conn {
    /// Opens a write transaction that holds the database's lock until it
    /// ends: where the write transaction is not already the lock (SQLite),
    /// the driver's transaction-scoped lock is taken in it first.
    pub(crate) async fn begin_locked(&mut self) -> Result<()> {
        self.begin_write().await?;
        if let Some(lock) = self.driver().transaction_lock()
            && let Err(e) = self.execute(&lock).await
        {
            let _ = self.rollback().await;
            return Err(e);
        }
        Ok(())
    }

    /// Ends [`begin_locked`](Self::begin_locked)'s transaction: commits
    /// after success, rolls back after a failure (whose error is returned).
    pub(crate) async fn end_locked<T>(&mut self, result: Result<T>) -> Result<T> {
        match result {
            Ok(value) => {
                self.commit().await?;
                Ok(value)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = self.rollback().await;
                Err(e)
            }
        }
    }

    /// Takes the database's session lock, for work that is not one
    /// transaction (a migration run, MySQL's DDL). `Ok(false)` where the
    /// dialect has none and a write transaction must be the lock instead.
    pub(crate) async fn lock_session(&mut self) -> Result<bool> {
        let Some(lock) = self.driver().session_lock() else {
            return Ok(false);
        };
        if self.int(&lock.acquire).await? != Some(1) {
            return Err(Error::Lock(format!(
                "another push or migration of this database held its lock for {LOCK_WAIT_SECS} s; \
                 try again when it is done"
            )));
        }
        Ok(true)
    }

    /// Releases [`lock_session`](Self::lock_session)'s lock after `result`'s
    /// work. After a failure of either, the connection is closed rather than
    /// returned to the pool, so it can never hand on a lock still held.
    pub(crate) async fn unlock_session<T>(&mut self, result: Result<T>) -> Result<T> {
        let released = match self.driver().session_lock() {
            Some(lock) => self.execute(&lock.release).await,
            None => Ok(()),
        };
        if result.is_err() || released.is_err() {
            self.close_on_drop();
        }
        let value = result?;
        released?;
        Ok(value)
    }
}

//! The driver layer: everything that touches sqlx's per-dialect types, and
//! the one place where a dialect's run-time behaviour is written down.
//!
//! - [`Driver`] (this file) is the behaviour: one unit struct per dialect in
//!   `sqlite.rs`, `postgres.rs`, `mysql.rs`, each overriding only what differs
//!   from the defaults here: the lock, read-only and write transactions,
//!   parameter limits and chunk sizes, failure advice, catalog queries that are
//!   not introspection. Code outside the driver asks [`driver`] for it instead
//!   of matching on a dialect.
//! - `pool.rs`, `conn.rs`, `exec.rs` dispatch statements to sqlx's types
//!   (mechanically: the same call on each), `lock.rs` builds the shared lock
//!   from the driver's SQL.
//! - `url.rs` reads a connection string once into a [`Target`]; `connect.rs`
//!   opens a pool for it with failures in words, the per-dialect files do
//!   the dialect's part (TLS files checked by `tls.rs`).
//! - `endpoint.rs` keeps what a pool connects to (id, server, settings), so
//!   that errors at run time name the database and the cause too.

mod conn;
mod connect;
mod endpoint;
mod exec;
mod failure;
mod lock;
mod mysql;
mod pool;
mod postgres;
mod sqlite;
mod tls;
mod url;
mod violation;

use std::time::Duration;

use invect_schema::DialectKind;
use sqlx::error::DatabaseError;

use crate::error::ConnectProblem;

pub(crate) use conn::Conn;
pub use connect::CONNECT_TIMEOUT;
pub(crate) use connect::connect_pool;
pub(crate) use endpoint::{Endpoint, Within};
pub(crate) use exec::CopyIn;
pub use exec::{Args, RowRef, Sql};
pub(crate) use lock::SessionLock;
pub use pool::Pool;
pub(crate) use pool::TxConn;
pub use pool::TxConnection;
pub use sqlite::SQLITE_BUSY_TIMEOUT;
use violation::Place;
pub(crate) use violation::statement_error;

/// What one dialect does differently at run time. The defaults are what
/// PostgreSQL and MySQL share; each dialect overrides only what differs.
pub(crate) trait Driver: Sync {
    /// Starts a read-only transaction whose reads all see one snapshot.
    fn begin_read(&self) -> &'static str;

    /// Starts a transaction that will write.
    fn begin_write(&self) -> &'static str {
        "BEGIN"
    }

    /// Whether DDL is transactional (all or nothing); MySQL commits each
    /// DDL statement as it goes, so its work must be re-runnable instead.
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Takes the database's lock inside a write transaction, held until it
    /// ends; `None` where the write transaction itself is the lock.
    fn transaction_lock(&self) -> Option<String> {
        None
    }

    /// The database's lock held by a session across several transactions;
    /// `None` where only a write transaction can hold it.
    fn session_lock(&self) -> Option<SessionLock> {
        None
    }

    /// The session statements bounding how long a migration's DDL waits for
    /// a table lock, then setting it back; `None` where a write transaction
    /// already holds the whole database (SQLite). PostgreSQL: `lock_timeout`.
    fn lock_timeout_sql(&self, timeout: std::time::Duration) -> Option<(String, String)> {
        Some((
            format!("SET lock_timeout = {}", timeout.as_millis().max(1)),
            "RESET lock_timeout".to_string(),
        ))
    }

    /// Most parameters one statement may bind.
    fn max_params(&self) -> usize {
        65_535
    }

    /// Parameters per multi-row `INSERT` that insert fastest, as measured by
    /// `benches/` (20,000 `node_executions` rows of 12 columns, see
    /// `benches/RESULTS.md`).
    fn chunk_params(&self) -> usize;

    /// How `insert_many` loads batches by binary `COPY`: at least `.0` rows
    /// go by one `COPY` (fewer by multi-row `INSERT`), written and sent `.1`
    /// rows at a time.
    /// `None` (the default): never; the dialect has no `COPY`.
    fn copy_rows(&self) -> Option<(usize, usize)> {
        None
    }

    /// `(table, index)` of each index in the current schema that a failed or
    /// interrupted online build left unusable (PostgreSQL's INVALID ones);
    /// `None` where an index build is all or nothing.
    fn invalid_indexes_sql(&self) -> Option<&'static str> {
        None
    }

    /// What to do after migration `version` failed: what the dialect kept of
    /// it (MySQL may have half applied it) and how to go on.
    fn migration_failure_advice(&self, version: i64, kept: Kept) -> String;

    /// `SELECT COUNT(*)` of tables named `table` in the current database
    /// (`table` is a fixed identifier, never user input).
    fn count_tables_sql(&self, table: &str) -> String {
        format!(
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = {} AND table_name = '{table}'",
            self.current_schema()
        )
    }

    /// A refused login or a missing database, told by the server's error
    /// code (SQLite has neither).
    fn connect_problem(&self, _db: &dyn DatabaseError) -> Option<ConnectProblem> {
        None
    }

    /// Whether the server's error says it is ending the connection (an
    /// administrator's shutdown, a crash): the statement broke off like a
    /// lost connection.
    fn connection_lost(&self, _db: &dyn DatabaseError) -> bool {
        false
    }

    /// The session statement that has the server cancel any statement that
    /// runs longer than `timeout`, for a server whose `SELECT VERSION()` is
    /// `version`; `None` where the dialect has no such limit (SQLite).
    fn statement_timeout_sql(&self, _timeout: Duration, _version: &str) -> Option<String> {
        None
    }

    /// The table, constraint and columns of a constraint violation, as far as
    /// the server's error tells (PostgreSQL names them; the others say them in words).
    fn violation_place(&self, db: &dyn DatabaseError) -> Place {
        Place {
            table: db.table().map(str::to_string),
            constraint: db.constraint().map(str::to_string),
            columns: Vec::new(),
        }
    }

    /// The query for the largest statement the server takes, in bytes, where
    /// it refuses larger ones by dropping the connection (MySQL's
    /// `max_allowed_packet`); `None` where a large value gets a clear error.
    fn packet_limit_query(&self) -> Option<&'static str> {
        None
    }

    /// The SQL naming the schema unqualified tables live in.
    fn current_schema(&self) -> &'static str {
        "current_schema()"
    }
}

/// What a failed migration left applied, as far as the history shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kept {
    /// Nothing of the failing file.
    Nothing,
    /// Its first statements, and Invect wrote the file: the next run resumes it.
    PartOfGenerated,
    /// Its first statements, of a hand-written file.
    PartOfHandWritten,
    /// Whatever its statements left: it ran outside a transaction (where
    /// DDL is transactional, only an online index build does).
    OutsideTransaction,
}

/// The behaviour of dialect `kind`.
pub(crate) fn driver(kind: DialectKind) -> &'static dyn Driver {
    match kind {
        DialectKind::Sqlite => &sqlite::Sqlite,
        DialectKind::Postgres => &postgres::Postgres,
        DialectKind::Mysql => &mysql::Mysql,
    }
}

/// Rows per multi-row `INSERT` of `columns` columns: the dialect's best
/// size, always within its parameter limit, at least one.
pub(crate) fn chunk_rows(kind: DialectKind, columns: usize) -> usize {
    let d = driver(kind);
    let columns = columns.max(1);
    (d.chunk_params() / columns)
        .min(d.max_params() / columns)
        .max(1)
}

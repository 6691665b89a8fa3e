//! One pooled connection of any dialect, for the statements of push,
//! migrations and verification that must share a connection (a transaction,
//! a lock): raw statements, transactions sqlx keeps count of, and sqlx's
//! [`Migrate`] by mechanical dispatch.

use futures_core::future::BoxFuture;
use invect_schema::DialectKind;
use sqlx::migrate::{AppliedMigration, Migrate, MigrateError, Migration};
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Database, MySql, Postgres, Row, Sqlite};
use sqlx_core::transaction::TransactionManager;

use super::{Driver, driver};
use crate::error::Result;

/// A connection taken from a pool.
#[derive(Debug)]
pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    Mysql(PoolConnection<MySql>),
}

/// `$body` with `$c` bound to the sqlx connection of whichever dialect `$conn` is.
macro_rules! each {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
            Conn::Mysql($c) => $body,
        }
    };
}

/// `$body` with `$m` the transaction manager of whichever dialect `$conn` is.
macro_rules! each_manager {
    ($conn:expr, |$c:ident, $m:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => {
                type $m = <Sqlite as Database>::TransactionManager;
                $body
            }
            Conn::Postgres($c) => {
                type $m = <Postgres as Database>::TransactionManager;
                $body
            }
            Conn::Mysql($c) => {
                type $m = <MySql as Database>::TransactionManager;
                $body
            }
        }
    };
}

impl Conn {
    pub fn kind(&self) -> DialectKind {
        match self {
            Conn::Sqlite(_) => DialectKind::Sqlite,
            Conn::Postgres(_) => DialectKind::Postgres,
            Conn::Mysql(_) => DialectKind::Mysql,
        }
    }

    /// What this connection's dialect does differently.
    pub fn driver(&self) -> &'static dyn Driver {
        driver(self.kind())
    }

    /// Closes the connection instead of returning it to the pool when it is
    /// dropped (it may hold a lock or be in an unknown state).
    pub fn close_on_drop(&mut self) {
        each!(self, |c| c.close_on_drop())
    }

    /// Starts a read-only transaction, so that the several catalog queries
    /// of an introspection see one snapshot even while another process
    /// pushes. End it with [`end_read`](Self::end_read).
    pub async fn begin_read(&mut self) -> Result<()> {
        self.execute(self.driver().begin_read()).await
    }

    /// Ends [`begin_read`](Self::begin_read)'s transaction (it wrote nothing).
    pub async fn end_read(&mut self) -> Result<()> {
        self.execute("ROLLBACK").await
    }

    /// Starts a transaction that will write, taking the dialect's write lock
    /// up front where it has one (SQLite). sqlx counts it, so statements that
    /// open their own transaction inside it (the migrator's) use savepoints.
    pub async fn begin_write(&mut self) -> Result<()> {
        let sql = self.driver().begin_write();
        each_manager!(self, |c, M| M::begin(
            c,
            Some(sqlx::SqlSafeStr::into_sql_str(sql))
        )
        .await?);
        Ok(())
    }

    /// Commits [`begin_write`](Self::begin_write)'s transaction.
    pub async fn commit(&mut self) -> Result<()> {
        each_manager!(self, |c, M| M::commit(c).await?);
        Ok(())
    }

    /// Rolls back [`begin_write`](Self::begin_write)'s transaction.
    pub async fn rollback(&mut self) -> Result<()> {
        each_manager!(self, |c, M| M::rollback(c).await?);
        Ok(())
    }

    /// Runs one statement built from schema identifiers and escaped literals.
    pub async fn execute(&mut self, sql: &str) -> Result<()> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        each!(self, |c| q.execute(&mut **c).await.map(drop)?);
        Ok(())
    }

    /// Whether a query returns at least one row.
    pub async fn exists(&mut self, sql: &str) -> Result<bool> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(each!(self, |c| q.fetch_optional(&mut **c).await?.is_some()))
    }

    /// The first column of every row, as text.
    pub async fn strings(&mut self, sql: &str) -> Result<Vec<String>> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        // MySQL reports some catalog text as binary; it is UTF-8 all the same.
        Ok(each!(self, |c| q
            .fetch_all(&mut **c)
            .await?
            .iter()
            .map(|r| r.try_get_unchecked::<String, _>(0))
            .collect::<Result<_, _>>()?))
    }

    /// The first two columns of every row, as text.
    pub async fn string_pairs(&mut self, sql: &str) -> Result<Vec<(String, String)>> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(each!(self, |c| q
            .fetch_all(&mut **c)
            .await?
            .iter()
            .map(|r| Ok((r.try_get_unchecked(0)?, r.try_get_unchecked(1)?)))
            .collect::<Result<_, sqlx::Error>>()?))
    }

    /// The first column of every row, as integers.
    pub async fn ints(&mut self, sql: &str) -> Result<Vec<i64>> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(each!(self, |c| q
            .fetch_all(&mut **c)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?))
    }

    /// The first column of the first row as an integer, if there is a row.
    pub async fn int(&mut self, sql: &str) -> Result<Option<i64>> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(each!(self, |c| q
            .fetch_optional(&mut **c)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?))
    }
}

/// sqlx's migrator runs on any dialect's connection.
impl Migrate for Conn {
    fn create_schema_if_not_exists<'e>(
        &'e mut self,
        schema_name: &'e str,
    ) -> BoxFuture<'e, Result<(), MigrateError>> {
        each!(self, |c| c.create_schema_if_not_exists(schema_name))
    }

    fn ensure_migrations_table<'e>(
        &'e mut self,
        table_name: &'e str,
    ) -> BoxFuture<'e, Result<(), MigrateError>> {
        each!(self, |c| c.ensure_migrations_table(table_name))
    }

    fn dirty_version<'e>(
        &'e mut self,
        table_name: &'e str,
    ) -> BoxFuture<'e, Result<Option<i64>, MigrateError>> {
        each!(self, |c| c.dirty_version(table_name))
    }

    fn list_applied_migrations<'e>(
        &'e mut self,
        table_name: &'e str,
    ) -> BoxFuture<'e, Result<Vec<AppliedMigration>, MigrateError>> {
        each!(self, |c| c.list_applied_migrations(table_name))
    }

    fn lock(&mut self) -> BoxFuture<'_, Result<(), MigrateError>> {
        each!(self, |c| c.lock())
    }

    fn unlock(&mut self) -> BoxFuture<'_, Result<(), MigrateError>> {
        each!(self, |c| c.unlock())
    }

    fn apply<'e>(
        &'e mut self,
        table_name: &'e str,
        migration: &'e Migration,
    ) -> BoxFuture<'e, Result<std::time::Duration, MigrateError>> {
        each!(self, |c| c.apply(table_name, migration))
    }

    fn revert<'e>(
        &'e mut self,
        table_name: &'e str,
        migration: &'e Migration,
    ) -> BoxFuture<'e, Result<std::time::Duration, MigrateError>> {
        each!(self, |c| c.revert(table_name, migration))
    }
}

//! One pooled connection of any dialect, for the statements of push and
//! verification that must share a connection (transaction, lock).

use invect_schema::DialectKind;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, MySql, Postgres, Row, Sqlite};

use crate::db::{Db, Pool};
use crate::error::Result;

/// The PostgreSQL advisory lock key of the current database, shared by push
/// (`pg_advisory_xact_lock`, inside its transaction) and migrate
/// (`pg_advisory_lock` around sqlx's migrator): the first 64 bits of
/// `md5('invect:' || current_database())`, so deployers of one database wait
/// for each other and those of other databases do not.
pub(crate) const PG_LOCK_KEY: &str =
    "('x' || substr(md5('invect:' || current_database()), 1, 16))::bit(64)::bigint";

/// The MySQL `GET_LOCK` name of the current database, shared by push and
/// migrate (`invect_` and the MD5 of the database name: 39 characters, under
/// MySQL's limit of 64).
pub(crate) const MYSQL_LOCK_NAME: &str = "CONCAT('invect_', MD5(DATABASE()))";

/// How long a MySQL push or migration waits for the lock, in seconds.
pub(crate) const MYSQL_LOCK_WAIT_SECS: u32 = 300;

/// The error when [`MYSQL_LOCK_NAME`] could not be had in time.
pub(crate) fn mysql_lock_timeout() -> crate::error::Error {
    crate::error::Error::Lock(format!(
        "another push or migration of this database held its lock for {MYSQL_LOCK_WAIT_SECS} s; \
         try again when it is done"
    ))
}

/// A connection taken from a [`Db`]'s pool.
#[derive(Debug)]
pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    Mysql(PoolConnection<MySql>),
}

impl Db {
    /// Takes one connection from the pool.
    pub(crate) async fn acquire(&self) -> Result<Conn> {
        Ok(match self.pool() {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
            Pool::Mysql(p) => Conn::Mysql(p.acquire().await?),
        })
    }
}

impl Conn {
    pub fn kind(&self) -> DialectKind {
        match self {
            Conn::Sqlite(_) => DialectKind::Sqlite,
            Conn::Postgres(_) => DialectKind::Postgres,
            Conn::Mysql(_) => DialectKind::Mysql,
        }
    }

    /// The MySQL connection, for sqlx's migrator; `None` on other dialects.
    pub fn mysql(&mut self) -> Option<&mut sqlx::MySqlConnection> {
        match self {
            Conn::Mysql(c) => Some(&mut **c),
            _ => None,
        }
    }

    /// Closes the connection instead of returning it to the pool when it is
    /// dropped (it may hold a lock or be in an unknown state).
    pub fn close_on_drop(&mut self) {
        match self {
            Conn::Sqlite(c) => c.close_on_drop(),
            Conn::Postgres(c) => c.close_on_drop(),
            Conn::Mysql(c) => c.close_on_drop(),
        }
    }

    /// Starts a read-only transaction, so that the several catalog queries
    /// of an introspection see one snapshot even while another process
    /// pushes. End it with [`end_read`](Self::end_read).
    pub async fn begin_read(&mut self) -> Result<()> {
        let sql = match self.kind() {
            DialectKind::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            DialectKind::Mysql => "START TRANSACTION READ ONLY",
            // Deferred: the first read takes the snapshot, no write lock.
            DialectKind::Sqlite => "BEGIN",
        };
        self.execute(sql).await
    }

    /// Ends [`begin_read`](Self::begin_read)'s transaction (it wrote nothing).
    pub async fn end_read(&mut self) -> Result<()> {
        self.execute("ROLLBACK").await
    }

    /// Runs one statement built from schema identifiers and escaped literals.
    pub async fn execute(&mut self, sql: &str) -> Result<()> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        match self {
            Conn::Sqlite(c) => q.execute(&mut **c).await.map(drop)?,
            Conn::Postgres(c) => q.execute(&mut **c).await.map(drop)?,
            Conn::Mysql(c) => q.execute(&mut **c).await.map(drop)?,
        }
        Ok(())
    }

    /// Whether a query returns at least one row.
    pub async fn exists(&mut self, sql: &str) -> Result<bool> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(match self {
            Conn::Sqlite(c) => q.fetch_optional(&mut **c).await?.is_some(),
            Conn::Postgres(c) => q.fetch_optional(&mut **c).await?.is_some(),
            Conn::Mysql(c) => q.fetch_optional(&mut **c).await?.is_some(),
        })
    }

    /// The first column of every row, as text.
    pub async fn strings(&mut self, sql: &str) -> Result<Vec<String>> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(match self {
            Conn::Sqlite(c) => q
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?,
            Conn::Postgres(c) => q
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?,
            Conn::Mysql(c) => q
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r| r.try_get_unchecked::<String, _>(0))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The first column of the first row as an integer, if there is a row.
    pub async fn int(&mut self, sql: &str) -> Result<Option<i64>> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        Ok(match self {
            Conn::Sqlite(c) => q
                .fetch_optional(&mut **c)
                .await?
                .map(|r| r.try_get::<i64, _>(0))
                .transpose()?,
            Conn::Postgres(c) => q
                .fetch_optional(&mut **c)
                .await?
                .map(|r| r.try_get::<i64, _>(0))
                .transpose()?,
            Conn::Mysql(c) => q
                .fetch_optional(&mut **c)
                .await?
                .map(|r| r.try_get::<i64, _>(0))
                .transpose()?,
        })
    }
}

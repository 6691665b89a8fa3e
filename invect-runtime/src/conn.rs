//! One pooled connection of any dialect, for the statements of push and
//! verification that must share a connection (transaction, lock).

use invect_schema::DialectKind;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, MySql, Postgres, Row, Sqlite};

use crate::db::{Db, Pool};
use crate::error::Result;

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

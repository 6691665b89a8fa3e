//! The pool and the transaction of each dialect, and what every dialect does
//! alike with them (take a connection, begin, commit, close).

use invect_schema::DialectKind;
use sqlx::mysql::MySqlPool;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{MySql, Postgres, Sqlite, Transaction};

use super::conn::Conn;
use crate::config::DatabaseConfig;
use crate::error::Result;

/// The pool of one dialect.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    Mysql(MySqlPool),
}

/// The transaction of one dialect.
#[derive(Debug)]
pub(crate) enum TxConn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
    Mysql(Transaction<'static, MySql>),
}

impl Pool {
    /// Which dialect this pool speaks.
    pub fn kind(&self) -> DialectKind {
        match self {
            Pool::Sqlite(_) => DialectKind::Sqlite,
            Pool::Postgres(_) => DialectKind::Postgres,
            Pool::Mysql(_) => DialectKind::Mysql,
        }
    }

    /// Takes one connection from the pool (see `Endpoint::acquire` for
    /// the failures in words).
    pub(crate) async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
            Pool::Mysql(p) => Conn::Mysql(p.acquire().await?),
        })
    }

    /// The connections open now, in use or idle.
    pub(crate) fn size(&self) -> u32 {
        match self {
            Pool::Sqlite(p) => p.size(),
            Pool::Postgres(p) => p.size(),
            Pool::Mysql(p) => p.size(),
        }
    }

    /// The most connections the pool opens.
    pub(crate) fn max_connections(&self) -> u32 {
        match self {
            Pool::Sqlite(p) => p.options().get_max_connections(),
            Pool::Postgres(p) => p.options().get_max_connections(),
            Pool::Mysql(p) => p.options().get_max_connections(),
        }
    }

    /// How long taking a connection waits.
    pub(crate) fn acquire_timeout(&self) -> std::time::Duration {
        match self {
            Pool::Sqlite(p) => p.options().get_acquire_timeout(),
            Pool::Postgres(p) => p.options().get_acquire_timeout(),
            Pool::Mysql(p) => p.options().get_acquire_timeout(),
        }
    }

    /// Starts a transaction with `begin`, the driver's write or read `BEGIN`
    /// (see `Endpoint::begin` for the failures in words).
    pub(crate) async fn begin(&self, begin: &'static str) -> Result<TxConn, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => TxConn::Sqlite(p.begin_with(begin).await?),
            Pool::Postgres(p) => TxConn::Postgres(p.begin_with(begin).await?),
            Pool::Mysql(p) => TxConn::Mysql(p.begin_with(begin).await?),
        })
    }

    /// Closes every connection of the pool.
    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
            Pool::Mysql(p) => p.close().await,
        }
    }
}

/// The connection of a [`Tx`](crate::Tx), for statements Invect does not
/// generate: each variant is a sqlx executor (`&mut **c`).
#[derive(Debug)]
pub enum TxConnection<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
    Mysql(&'a mut sqlx::MySqlConnection),
}

impl TxConn {
    /// The transaction's connection, for raw SQL inside it.
    pub(crate) fn connection(&mut self) -> TxConnection<'_> {
        match self {
            TxConn::Sqlite(t) => TxConnection::Sqlite(t),
            TxConn::Postgres(t) => TxConnection::Postgres(t),
            TxConn::Mysql(t) => TxConnection::Mysql(t),
        }
    }

    /// Which dialect this transaction speaks.
    pub(crate) fn kind(&self) -> DialectKind {
        match self {
            TxConn::Sqlite(_) => DialectKind::Sqlite,
            TxConn::Postgres(_) => DialectKind::Postgres,
            TxConn::Mysql(_) => DialectKind::Mysql,
        }
    }

    /// Makes every change of the transaction permanent.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
            TxConn::Mysql(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Discards every change of the transaction.
    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            TxConn::Sqlite(t) => t.rollback().await?,
            TxConn::Postgres(t) => t.rollback().await?,
            TxConn::Mysql(t) => t.rollback().await?,
        }
        Ok(())
    }
}

impl From<SqlitePool> for Pool {
    fn from(p: SqlitePool) -> Pool {
        Pool::Sqlite(p)
    }
}
impl From<PgPool> for Pool {
    fn from(p: PgPool) -> Pool {
        Pool::Postgres(p)
    }
}
impl From<MySqlPool> for Pool {
    fn from(p: MySqlPool) -> Pool {
        Pool::Mysql(p)
    }
}

/// The pool settings of `config` (size and acquire timeout), which every
/// dialect starts from.
pub(crate) fn pool_options<DB: sqlx::Database>(
    config: &DatabaseConfig,
) -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(config.acquire_timeout)
}

//! The database handle and transactions.

use std::sync::Arc;
use std::time::Duration;

use invect_schema::DialectKind;
use sqlx::mysql::MySqlPool;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{MySql, Postgres, Sqlite, Transaction};

use crate::config::DatabaseConfig;
use crate::error::Result;

/// A connection pool to one database. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: Pool,
    /// Put before every Invect table and enum type name (`invect_` → `invect_flows`).
    pub(crate) prefix: Option<Arc<str>>,
}

/// The pool of one dialect.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    Mysql(MySqlPool),
}

/// An open transaction; every query method accepts `&mut Tx`. Dropped
/// without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub struct Tx {
    pub(crate) conn: TxConn,
    pub(crate) prefix: Option<Arc<str>>,
}

/// The transaction of one dialect.
#[derive(Debug)]
pub(crate) enum TxConn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
    Mysql(Transaction<'static, MySql>),
}

impl Db {
    /// Connects to `url`: `file:`/`sqlite:` paths or `:memory:`, `postgres(ql)://`
    /// or `mysql://` (see [`Db::connect_config`]). The database id `main` is
    /// used in error messages.
    pub async fn connect(url: &str) -> Result<Db> {
        let r#type = crate::connect::infer_type("main", url)?;
        Db::connect_config(&DatabaseConfig::new(r#type, url, "main")).await
    }

    /// Connects to the database `config` describes, with its table prefix.
    ///
    /// SQLite opens in WAL mode with foreign keys on and a 10 s busy timeout;
    /// a missing file and its folder are created. `:memory:` is one database
    /// on a single connection. PostgreSQL and MySQL get 10 s to connect; MySQL
    /// sessions use UTC and strict SQL mode. Every failure is an
    /// [`Error::Connect`](crate::Error::Connect) that names `config.id`, says
    /// what to do, and never shows the password.
    pub async fn connect_config(config: &DatabaseConfig) -> Result<Db> {
        let pool = crate::connect::connect_pool(config).await?;
        Ok(Db::from_pool(pool).with_table_prefix(config.table_prefix.clone()))
    }

    /// Wraps a pool made elsewhere (the application's own, say).
    pub fn from_pool(pool: Pool) -> Db {
        Db { pool, prefix: None }
    }

    /// The same database with every Invect table and enum type name prefixed,
    /// so Invect's tables sit beside the application's own (`""` for none).
    pub fn with_table_prefix(mut self, prefix: impl Into<String>) -> Db {
        let prefix: String = prefix.into();
        self.prefix = (!prefix.is_empty()).then(|| prefix.into());
        self
    }

    /// The table prefix, `""` when there is none.
    pub fn table_prefix(&self) -> &str {
        self.prefix.as_deref().unwrap_or("")
    }

    /// The underlying pool, for statements Invect does not generate.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Which dialect this database speaks.
    pub fn kind(&self) -> DialectKind {
        match self.pool {
            Pool::Sqlite(_) => DialectKind::Sqlite,
            Pool::Postgres(_) => DialectKind::Postgres,
            Pool::Mysql(_) => DialectKind::Mysql,
        }
    }

    /// Starts a transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(p) => TxConn::Sqlite(p.begin().await?),
            Pool::Postgres(p) => TxConn::Postgres(p.begin().await?),
            Pool::Mysql(p) => TxConn::Mysql(p.begin().await?),
        };
        Ok(Tx {
            conn,
            prefix: self.prefix.clone(),
        })
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
            Pool::Mysql(p) => p.close().await,
        }
    }
}

/// Adds strict mode to whatever SQL mode the server gives the session.
pub(crate) const STRICT_MODE: &str =
    "SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES')";

pub(crate) fn pool_options<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new().acquire_timeout(Duration::from_secs(10))
}

impl Tx {
    /// Which dialect this transaction speaks.
    pub fn kind(&self) -> DialectKind {
        match self.conn {
            TxConn::Sqlite(_) => DialectKind::Sqlite,
            TxConn::Postgres(_) => DialectKind::Postgres,
            TxConn::Mysql(_) => DialectKind::Mysql,
        }
    }

    /// Makes every change of the transaction permanent.
    pub async fn commit(self) -> Result<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
            TxConn::Mysql(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Discards every change of the transaction.
    pub async fn rollback(self) -> Result<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.rollback().await?,
            TxConn::Postgres(t) => t.rollback().await?,
            TxConn::Mysql(t) => t.rollback().await?,
        }
        Ok(())
    }
}

impl From<SqlitePool> for Db {
    fn from(p: SqlitePool) -> Db {
        Db::from_pool(Pool::Sqlite(p))
    }
}
impl From<PgPool> for Db {
    fn from(p: PgPool) -> Db {
        Db::from_pool(Pool::Postgres(p))
    }
}
impl From<MySqlPool> for Db {
    fn from(p: MySqlPool) -> Db {
        Db::from_pool(Pool::Mysql(p))
    }
}

//! The database handle and transactions.

use std::sync::Arc;

use invect_schema::DialectKind;
use sqlx::mysql::MySqlPool;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use crate::config::DatabaseConfig;
use crate::driver::{
    Conn, CopyIn, Endpoint, Pool, TxConn, TxConnection, Within, connect_pool, driver,
};
use crate::error::Result;
use crate::table::Table;
use crate::tables::Tables;

/// A connection pool to one database. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: Pool,
    /// The table prefix and the tables resolved under it.
    pub(crate) tables: Arc<Tables>,
    /// What the pool connects to, for errors at run time.
    pub(crate) endpoint: Arc<Endpoint>,
}

/// An open transaction; every query method accepts `&mut Tx`. Dropped
/// without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub struct Tx {
    pub(crate) conn: TxConn,
    pub(crate) tables: Arc<Tables>,
    pub(crate) endpoint: Arc<Endpoint>,
}

impl Db {
    /// Connects to `url`: `file:`/`sqlite:` paths or `:memory:`, `postgres(ql)://`
    /// or `mysql://` (see [`Db::connect_config`]). The database id `main` is
    /// used in error messages.
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_config(&DatabaseConfig::from_url(url, "main")?).await
    }

    /// Connects to the database `config` describes, with its table prefix.
    ///
    /// SQLite opens in WAL mode with foreign keys on and a 10 s busy timeout;
    /// a missing file and its folder are created. `:memory:` is one database
    /// on a single connection. PostgreSQL and MySQL get 10 s to connect; MySQL
    /// sessions use UTC and strict SQL mode. TLS follows the URL's `sslmode`
    /// (PostgreSQL) or `ssl-mode` (MySQL). The pool has the config's size,
    /// acquire timeout and statement timeout. Every failure is an
    /// [`Error::Connect`](crate::Error::Connect) that names `config.id`, says
    /// what to do, and never shows the password; later, a statement that
    /// gets no connection or loses it fails with
    /// [`Error::Unavailable`](crate::Error::Unavailable), in the same words.
    pub async fn connect_config(config: &DatabaseConfig) -> Result<Db> {
        let (pool, endpoint) = connect_pool(config).await?;
        Ok(Db {
            pool,
            tables: Arc::new(Tables::new("")),
            endpoint: Arc::new(endpoint),
        }
        .with_table_prefix(config.table_prefix.clone()))
    }

    /// Wraps a pool made elsewhere (the application's own, say). Errors at
    /// run time then say "database" without an id or URL.
    pub fn from_pool(pool: Pool) -> Db {
        Db {
            endpoint: Arc::new(Endpoint::of_pool(&pool)),
            pool,
            tables: Arc::new(Tables::new("")),
        }
    }

    /// The same database with every Invect table and enum type name prefixed,
    /// so Invect's tables sit beside the application's own (`""` for none).
    pub fn with_table_prefix(mut self, prefix: impl Into<String>) -> Db {
        self.tables = Arc::new(Tables::new(&prefix.into()));
        self
    }

    /// The table prefix, `""` when there is none.
    pub fn table_prefix(&self) -> &str {
        self.tables.prefix().unwrap_or("")
    }

    /// The underlying pool, for statements Invect does not generate.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Which dialect this database speaks.
    pub fn kind(&self) -> DialectKind {
        self.pool.kind()
    }

    /// Starts a transaction that may write. On SQLite it takes the write
    /// lock at once (`BEGIN IMMEDIATE`, waiting up to the busy timeout for
    /// other writers), so a transaction that reads and then writes never
    /// fails half-way with "database is locked"; it is also SQLite's
    /// equivalent of row locks. On PostgreSQL and MySQL it is a plain `BEGIN`.
    pub async fn begin(&self) -> Result<Tx> {
        self.begin_with(driver(self.kind()).begin_write()).await
    }

    /// Starts a read-only transaction whose reads all see one snapshot
    /// (PostgreSQL `REPEATABLE READ READ ONLY`, MySQL `READ ONLY`, SQLite a
    /// deferred `BEGIN`): it takes no write lock, and a write in it fails.
    pub async fn begin_read(&self) -> Result<Tx> {
        self.begin_with(driver(self.kind()).begin_read()).await
    }

    async fn begin_with(&self, begin: &'static str) -> Result<Tx> {
        Ok(Tx {
            conn: self.endpoint.begin(&self.pool, begin).await?,
            tables: self.tables.clone(),
            endpoint: self.endpoint.clone(),
        })
    }

    /// The name of table `T` in this database (with the table prefix), for
    /// SQL Invect does not generate. Quote it as the dialect does.
    pub fn table_name<T: Table>(&self) -> String {
        self.tables.resolve::<T>(self.kind()).def.name.to_string()
    }

    /// Takes one connection from the pool.
    pub(crate) async fn acquire(&self) -> Result<Conn> {
        self.endpoint.acquire(&self.pool).await
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.pool.close().await
    }
}

impl Tx {
    /// Which dialect this transaction speaks.
    pub fn kind(&self) -> DialectKind {
        self.conn.kind()
    }

    /// The transaction's connection, for SQL Invect does not generate; each
    /// variant is a sqlx executor:
    ///
    /// ```no_run
    /// # async fn demo(tx: &mut invect_runtime::Tx) -> Result<(), sqlx::Error> {
    /// use invect_runtime::TxConnection;
    /// if let TxConnection::Postgres(c) = tx.connection() {
    ///     sqlx::query("SELECT 1").execute(&mut *c).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn connection(&mut self) -> TxConnection<'_> {
        self.conn.connection()
    }

    /// The name of table `T` in this database (with the table prefix).
    pub fn table_name<T: Table>(&self) -> String {
        self.tables.resolve::<T>(self.kind()).def.name.to_string()
    }

    /// Starts a binary `COPY ... FROM STDIN` (PostgreSQL) in this transaction.
    pub(crate) async fn copy_in(&mut self, sql: &str) -> Result<CopyIn<'_>> {
        self.conn.copy_in(&self.endpoint, sql).await
    }

    /// Makes every change of the transaction permanent.
    pub async fn commit(self) -> Result<()> {
        let kind = self.kind();
        (self.conn.commit().await)
            .map_err(|e| self.endpoint.statement_error(kind, e, Within::Commit))
    }

    /// Discards every change of the transaction.
    pub async fn rollback(self) -> Result<()> {
        let kind = self.kind();
        (self.conn.rollback().await)
            .map_err(|e| self.endpoint.statement_error(kind, e, Within::Transaction))
    }
}

impl From<SqlitePool> for Db {
    fn from(p: SqlitePool) -> Db {
        Db::from_pool(p.into())
    }
}
impl From<PgPool> for Db {
    fn from(p: PgPool) -> Db {
        Db::from_pool(p.into())
    }
}
impl From<MySqlPool> for Db {
    fn from(p: MySqlPool) -> Db {
        Db::from_pool(p.into())
    }
}

//! Support shared by Invect's workspace-level integration tests: the URLs of
//! the real PostgreSQL and MariaDB servers, a fresh throwaway database per
//! test on each of the three databases, the core schema's DDL, a reader
//! for a live database's catalog ([`catalog`]), and the application's side
//! of a key-rotation race ([`credential_writers`]).
//!
//! Tests never skip: a test whose server is not configured or not reachable
//! fails, with a message that says to run `bash scripts/test.sh`.
//!
//! ```no_run
//! use invect_schema::DialectKind;
//! use invect_tests::{PgTestDb, core_ddl};
//!
//! # async fn example() {
//! let db = PgTestDb::new().await;
//! db.apply(&core_ddl(DialectKind::Postgres)).await;
//! // ... test against db.pool / db.url ...
//! db.drop().await;
//! # }
//! ```

mod any;
pub mod catalog;
pub mod credential_writers;
pub mod plugin;
mod proxy;
mod rows;
pub mod stages;
pub mod upgrade;

pub use any::{AnyTestDb, raw};
pub use proxy::Proxy;
pub use rows::new_flow_run;

use std::hash::{BuildHasher, Hasher, RandomState};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use invect_schema::{DialectKind, Schema, render_schema};
use sqlx::pool::PoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, ColumnIndex, Connection, Decode, Executor, Pool, Row, SqlitePool, Type};

/// Environment variable holding the PostgreSQL URL (set by `scripts/services.sh`).
pub const PG_URL_VAR: &str = "INVECT_TEST_PG_URL";
/// Environment variable holding the MariaDB/MySQL URL (set by `scripts/services.sh`).
pub const MYSQL_URL_VAR: &str = "INVECT_TEST_MYSQL_URL";
/// Prefix of every throwaway database name; the sweep drops only these.
pub const TEST_DB_PREFIX: &str = "invect_t_";
/// Throwaway databases older than this are dropped by the next test run.
pub const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// Connections per test pool: enough for concurrency tests, few enough for
/// many tests in parallel on one server.
const POOL_SIZE: u32 = 5;

/// The PostgreSQL test server's URL; panics with instructions when unset.
pub fn pg_url() -> String {
    required_env(PG_URL_VAR, "PostgreSQL")
}

/// The MariaDB/MySQL test server's URL; panics with instructions when unset.
pub fn mysql_url() -> String {
    required_env(MYSQL_URL_VAR, "MariaDB")
}

fn required_env(var: &str, server: &str) -> String {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "\n\n\
             ************************************************************************\n\
             *** {var} is not set: this test needs the real {server} server.\n\
             *** Run the tests with `bash scripts/test.sh` (it installs and starts\n\
             *** PostgreSQL and MariaDB and exports the INVECT_TEST_* variables),\n\
             *** or `source scripts/services.sh` first. Tests never skip.\n\
             ************************************************************************\n"
        ),
    }
}

/// The ten core tables merged into one [`Schema`].
pub fn core_schema() -> Schema {
    invect_runtime::core::schema().expect("the core tables form a valid schema")
}

/// The core schema's DDL for one dialect, one statement per element.
pub fn core_ddl(kind: DialectKind) -> Vec<String> {
    render_schema(kind.dialect(), &core_schema())
}

/// A new database name, unique across processes and runs:
/// `invect_t_<unix secs>_<pid>_<counter>_<random>`. The creation time in the
/// name lets a later run drop databases that a failed test left behind.
pub fn unique_db_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(n);
    let random = hasher.finish() as u32;
    format!(
        "{TEST_DB_PREFIX}{}_{}_{n}_{random:08x}",
        unix_secs(),
        std::process::id()
    )
}

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Whether `name` is a throwaway database created more than [`STALE_AFTER`] ago.
fn is_stale(name: &str) -> bool {
    let Some(created) = name
        .strip_prefix(TEST_DB_PREFIX)
        .and_then(|rest| rest.split('_').next())
        .and_then(|secs| secs.parse::<u64>().ok())
    else {
        return false;
    };
    created + STALE_AFTER.as_secs() < unix_secs()
}

/// `url` with its database (the path) replaced by `database`, query kept.
pub fn url_with_database(url: &str, database: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let end = url.find('?').unwrap_or(url.len());
    let path_start = url[authority_start..end]
        .find('/')
        .map_or(end, |i| authority_start + i);
    format!("{}/{}{}", &url[..path_start], database, &url[end..])
}

/// Panics with the statement, its position and the server's error.
fn statement_failed(server: &str, index: usize, statement: &str, err: &sqlx::Error) -> ! {
    panic!(
        "statement {} failed on {server}: {err}\n--- statement ---\n{statement}\n-----------------",
        index + 1
    )
}

/// What differs between the two servers tests create databases on.
pub trait Server: sqlx::Database {
    /// The server's name in messages.
    const LABEL: &'static str;
    /// Lists the names of throwaway test databases.
    const LIST_TEST_DATABASES: &'static str;
    /// The test server's base URL; panics with instructions when unset.
    fn base_url() -> String;
    /// `CREATE DATABASE` for `name`.
    fn create_sql(name: &str) -> String;
    /// `DROP DATABASE IF EXISTS` for `name`, also while connections are open.
    fn drop_sql(name: &str) -> String;
}

impl Server for sqlx::Postgres {
    const LABEL: &'static str = "PostgreSQL";
    const LIST_TEST_DATABASES: &'static str =
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'invect\\_t\\_%'";
    fn base_url() -> String {
        pg_url()
    }
    fn create_sql(name: &str) -> String {
        format!("CREATE DATABASE \"{name}\"")
    }
    fn drop_sql(name: &str) -> String {
        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
    }
}

impl Server for sqlx::MySql {
    const LABEL: &'static str = "MariaDB";
    const LIST_TEST_DATABASES: &'static str = "SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA \
         WHERE SCHEMA_NAME LIKE 'invect\\_t\\_%'";
    fn base_url() -> String {
        mysql_url()
    }
    fn create_sql(name: &str) -> String {
        format!("CREATE DATABASE `{name}`")
    }
    fn drop_sql(name: &str) -> String {
        format!("DROP DATABASE IF EXISTS `{name}`")
    }
}

/// A fresh database on a real server for one test; call `drop` at the end.
#[derive(Debug)]
pub struct ServerTestDb<DB: Server> {
    /// The database's name.
    pub name: String,
    /// A URL that connects to this database.
    pub url: String,
    /// A pool connected to this database.
    pub pool: Pool<DB>,
    base_url: String,
}

/// A fresh PostgreSQL database for one test.
pub type PgTestDb = ServerTestDb<sqlx::Postgres>;
/// A fresh MariaDB/MySQL database for one test.
pub type MySqlTestDb = ServerTestDb<sqlx::MySql>;

impl<DB> ServerTestDb<DB>
where
    DB: Server,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    String: for<'r> Decode<'r, DB> + Type<DB>,
{
    /// Creates a uniquely named database through the server's base URL and connects to it.
    pub async fn new() -> Self {
        let base_url = DB::base_url();
        let mut admin = admin_connect::<DB>(&base_url).await;
        sweep_stale::<DB>(&mut admin).await;
        let name = unique_db_name();
        sqlx::raw_sql(AssertSqlSafe(DB::create_sql(&name)))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create {} database {name}: {e}", DB::LABEL));
        let _ = admin.close().await;
        let url = url_with_database(&base_url, &name);
        let pool = PoolOptions::<DB>::new()
            .max_connections(POOL_SIZE)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {} database {name}: {e}", DB::LABEL));
        ServerTestDb {
            name,
            url,
            pool,
            base_url,
        }
    }

    /// Executes each statement in order; panics naming the one that fails.
    pub async fn apply(&self, statements: &[String]) {
        apply_statements(&self.pool, DB::LABEL, statements).await;
    }

    /// Closes the pool and drops the database (best effort: errors are printed).
    pub async fn drop(self) {
        self.pool.close().await;
        let result = async {
            let mut admin = DB::Connection::connect(&self.base_url).await?;
            sqlx::raw_sql(AssertSqlSafe(DB::drop_sql(&self.name)))
                .execute(&mut admin)
                .await?;
            admin.close().await
        }
        .await;
        if let Err(e) = result {
            eprintln!(
                "warning: could not drop {} database {}: {e}",
                DB::LABEL,
                self.name
            );
        }
    }
}

async fn admin_connect<DB: Server>(url: &str) -> DB::Connection {
    DB::Connection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "cannot connect to {} at {url}: {e}\n\
             Is the server running? Run `bash scripts/test.sh` (or `source scripts/services.sh`).",
            DB::LABEL
        )
    })
}

/// Drops throwaway databases left behind by runs over an hour ago.
async fn sweep_stale<DB>(admin: &mut DB::Connection)
where
    DB: Server,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    String: for<'r> Decode<'r, DB> + Type<DB>,
{
    let rows = sqlx::raw_sql(DB::LIST_TEST_DATABASES)
        .fetch_all(&mut *admin)
        .await
        .unwrap_or_default();
    let names = rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0usize).ok());
    for name in names.filter(|n| is_stale(n)).collect::<Vec<_>>() {
        let _ = sqlx::raw_sql(AssertSqlSafe(DB::drop_sql(&name)))
            .execute(&mut *admin)
            .await;
    }
}

/// Executes each statement in order on `pool`; panics naming the one that fails.
async fn apply_statements<DB: sqlx::Database>(pool: &Pool<DB>, label: &str, statements: &[String])
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    for (i, statement) in statements.iter().enumerate() {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(statement.clone()))
            .execute(pool)
            .await
        {
            statement_failed(label, i, statement, &e);
        }
    }
}

/// A fresh SQLite database file in its own temporary directory, foreign keys on.
#[derive(Debug)]
pub struct SqliteTestDb {
    /// The database file.
    pub path: PathBuf,
    /// A URL that opens this database file.
    pub url: String,
    /// A pool connected to this database, with `foreign_keys` on.
    pub pool: SqlitePool,
    dir: tempfile::TempDir,
}

impl SqliteTestDb {
    /// Creates `test.db` in a new temporary directory and connects to it.
    pub async fn new() -> SqliteTestDb {
        let dir = tempfile::Builder::new()
            .prefix("invect-test-")
            .tempdir()
            .expect("cannot create a temporary directory for SQLite");
        let path = dir.path().join("test.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(options)
            .await
            .unwrap_or_else(|e| panic!("cannot open SQLite database {}: {e}", path.display()));
        SqliteTestDb {
            path,
            url,
            pool,
            dir,
        }
    }

    /// Executes each statement in order; panics naming the one that fails.
    pub async fn apply(&self, statements: &[String]) {
        apply_statements(&self.pool, "SQLite", statements).await;
    }

    /// Closes the pool and deletes the temporary directory (best effort).
    pub async fn drop(self) {
        self.pool.close().await;
        if let Err(e) = self.dir.close() {
            eprintln!("warning: could not delete the SQLite test directory: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_with_database_replaces_only_the_path() {
        let base = "postgres://u:p@127.0.0.1:5432/invect_test";
        assert_eq!(
            url_with_database(base, "x"),
            "postgres://u:p@127.0.0.1:5432/x"
        );
        let with_query = "mysql://u:p@h:3306/db?ssl-mode=disabled";
        assert_eq!(
            url_with_database(with_query, "x"),
            "mysql://u:p@h:3306/x?ssl-mode=disabled"
        );
        assert_eq!(
            url_with_database("mysql://u:p@h:3306", "x"),
            "mysql://u:p@h:3306/x"
        );
    }

    #[test]
    fn names_are_unique_and_only_old_ones_are_stale() {
        let (a, b) = (unique_db_name(), unique_db_name());
        assert_ne!(a, b);
        assert!(a.len() <= 63, "{a} is too long for PostgreSQL");
        assert!(!is_stale(&a));
        assert!(is_stale("invect_t_1000_1_0_deadbeef"));
        assert!(!is_stale("invect_test"));
        assert!(!is_stale("other_1000"));
    }
}

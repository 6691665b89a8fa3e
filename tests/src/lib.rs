//! Support shared by Invect's workspace-level integration tests: the URLs of
//! the real PostgreSQL and MariaDB servers, a fresh throwaway database per
//! test on each of the three databases, the core schema's DDL, and a reader
//! for a live database's catalog ([`catalog`]).
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

pub mod catalog;

use std::hash::{BuildHasher, Hasher, RandomState};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use invect_schema::{DialectKind, Schema, render_schema};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{
    AssertSqlSafe, Connection, MySqlConnection, MySqlPool, PgConnection, PgPool, SqlitePool,
};

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

/// A fresh PostgreSQL database for one test; call [`PgTestDb::drop`] at the end.
#[derive(Debug)]
pub struct PgTestDb {
    /// The database's name.
    pub name: String,
    /// A URL that connects to this database.
    pub url: String,
    /// A pool connected to this database.
    pub pool: PgPool,
    base_url: String,
}

impl PgTestDb {
    /// Creates a uniquely named database through [`pg_url`] and connects to it.
    pub async fn new() -> PgTestDb {
        let base_url = pg_url();
        let mut admin = pg_connect(&base_url).await;
        sweep_stale_pg(&mut admin).await;
        let name = unique_db_name();
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create PostgreSQL database {name}: {e}"));
        let _ = admin.close().await;

        let url = url_with_database(&base_url, &name);
        let options = PgConnectOptions::from_str(&url)
            .unwrap_or_else(|e| panic!("bad PostgreSQL URL {url}: {e}"));
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(options)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL database {name}: {e}"));
        PgTestDb {
            name,
            url,
            pool,
            base_url,
        }
    }

    /// Executes each statement in order; panics naming the one that fails.
    pub async fn apply(&self, statements: &[String]) {
        for (i, statement) in statements.iter().enumerate() {
            if let Err(e) = sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                .execute(&self.pool)
                .await
            {
                statement_failed("PostgreSQL", i, statement, &e);
            }
        }
    }

    /// Closes the pool and drops the database (best effort: errors are printed).
    pub async fn drop(self) {
        self.pool.close().await;
        let result = async {
            let mut admin = PgConnection::connect(&self.base_url).await?;
            let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut admin)
                .await?;
            admin.close().await
        }
        .await;
        if let Err(e) = result {
            eprintln!(
                "warning: could not drop PostgreSQL database {}: {e}",
                self.name
            );
        }
    }
}

async fn pg_connect(url: &str) -> PgConnection {
    PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "cannot connect to PostgreSQL at {url}: {e}\n\
             Is the server running? Run `bash scripts/test.sh` (or `source scripts/services.sh`)."
        )
    })
}

/// Drops throwaway PostgreSQL databases left behind by runs over an hour ago.
async fn sweep_stale_pg(admin: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'invect\\_t\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap_or_default();
    for name in names.into_iter().filter(|n| is_stale(n)) {
        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *admin).await;
    }
}

/// A fresh MariaDB/MySQL database for one test; call [`MySqlTestDb::drop`] at the end.
#[derive(Debug)]
pub struct MySqlTestDb {
    /// The database's name.
    pub name: String,
    /// A URL that connects to this database.
    pub url: String,
    /// A pool connected to this database.
    pub pool: MySqlPool,
    base_url: String,
}

impl MySqlTestDb {
    /// Creates a uniquely named database through [`mysql_url`] and connects to it.
    pub async fn new() -> MySqlTestDb {
        let base_url = mysql_url();
        let mut admin = mysql_connect(&base_url).await;
        sweep_stale_mysql(&mut admin).await;
        let name = unique_db_name();
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create MariaDB database {name}: {e}"));
        let _ = admin.close().await;

        let url = url_with_database(&base_url, &name);
        let options = MySqlConnectOptions::from_str(&url)
            .unwrap_or_else(|e| panic!("bad MariaDB URL {url}: {e}"));
        let pool = MySqlPoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(options)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to MariaDB database {name}: {e}"));
        MySqlTestDb {
            name,
            url,
            pool,
            base_url,
        }
    }

    /// Executes each statement in order; panics naming the one that fails.
    pub async fn apply(&self, statements: &[String]) {
        for (i, statement) in statements.iter().enumerate() {
            if let Err(e) = sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                .execute(&self.pool)
                .await
            {
                statement_failed("MariaDB", i, statement, &e);
            }
        }
    }

    /// Closes the pool and drops the database (best effort: errors are printed).
    pub async fn drop(self) {
        self.pool.close().await;
        let result = async {
            let mut admin = MySqlConnection::connect(&self.base_url).await?;
            let sql = format!("DROP DATABASE IF EXISTS `{}`", self.name);
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut admin)
                .await?;
            admin.close().await
        }
        .await;
        if let Err(e) = result {
            eprintln!(
                "warning: could not drop MariaDB database {}: {e}",
                self.name
            );
        }
    }
}

async fn mysql_connect(url: &str) -> MySqlConnection {
    MySqlConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "cannot connect to MariaDB at {url}: {e}\n\
             Is the server running? Run `bash scripts/test.sh` (or `source scripts/services.sh`)."
        )
    })
}

/// Drops throwaway MariaDB databases left behind by runs over an hour ago.
async fn sweep_stale_mysql(admin: &mut MySqlConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA \
         WHERE SCHEMA_NAME LIKE 'invect\\_t\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap_or_default();
    for name in names.into_iter().filter(|n| is_stale(n)) {
        let sql = format!("DROP DATABASE IF EXISTS `{name}`");
        let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *admin).await;
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
        for (i, statement) in statements.iter().enumerate() {
            if let Err(e) = sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                .execute(&self.pool)
                .await
            {
                statement_failed("SQLite", i, statement, &e);
            }
        }
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

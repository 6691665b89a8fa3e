//! What the reliability tests share: `bulk-cli` run in the background (to be
//! killed, stopped or waited for), probes of the database's lock and tables,
//! polling with a deadline, and a TCP proxy that plays a server going away.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use invect_runtime::introspect::introspect;
use invect_runtime::schema::DialectKind;
use invect_runtime::{Db, Pool};
use invect_tests::AnyTestDb;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};

use crate::cli_support::Output;

/// The plugin tables `bulk-cli` declares at most, and the tests use.
pub const BULK_TABLES: usize = 300;
/// How long one background run may take.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// `bulk-cli`, built by cargo with this test (it belongs to `invect-tests`).
pub fn bulk_cli() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_bulk-cli"))
}

/// The real `invect-cli`, built by the CLI tests' support into the same
/// folder as `bulk-cli`.
pub fn invect_cli() -> PathBuf {
    crate::cli_support::cli(&std::env::temp_dir(), &["--version"]).ok();
    bulk_cli().with_file_name(format!("invect-cli{}", std::env::consts::EXE_SUFFIX))
}

/// A binary running in the background, its output going to files.
#[derive(Debug)]
pub struct Running {
    child: Child,
    command: String,
    logs: tempfile::TempDir,
    start: Instant,
}

/// Starts `bulk-cli args...` in `cwd` with `tables` plugin tables.
pub fn spawn_bulk(cwd: &Path, tables: usize, args: &[&str]) -> Running {
    let logs = tempfile::tempdir().expect("a temporary directory for output");
    let file = |name: &str| std::fs::File::create(logs.path().join(name)).expect("an output file");
    let child = Command::new(bulk_cli())
        .current_dir(cwd)
        .args(args)
        .env("INVECT_BULK_TABLES", tables.to_string())
        .env_remove("DATABASE_URL")
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(file("stdout"))
        .stderr(file("stderr"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start bulk-cli: {e}"));
    Running {
        child,
        command: format!("bulk-cli ({tables} tables) {}", args.join(" ")),
        logs,
        start: Instant::now(),
    }
}

impl Running {
    /// Sends `signal` (`STOP`, `CONT`) with kill(1).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap_or_else(|e| panic!("cannot run kill -{signal}: {e}"));
        assert!(
            status.success(),
            "kill -{signal} {} failed",
            self.child.id()
        );
    }

    /// Kills the process with SIGKILL and collects what it printed.
    pub fn kill(mut self) -> Output {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.output(None)
    }

    /// Waits for the process to exit (killing it after [`RUN_LIMIT`]).
    pub async fn wait(mut self) -> Output {
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return self.output(status.code()),
                Ok(None) if self.start.elapsed() > RUN_LIMIT => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!("`{}` did not finish within {RUN_LIMIT:?}", self.command);
                }
                Ok(None) => tokio::time::sleep(Duration::from_millis(20)).await,
                Err(e) => panic!("waiting for `{}`: {e}", self.command),
            }
        }
    }

    fn output(&self, code: Option<i32>) -> Output {
        let read = |name: &str| {
            String::from_utf8_lossy(&std::fs::read(self.logs.path().join(name)).unwrap_or_default())
                .into_owned()
        };
        Output {
            command: self.command.clone(),
            code,
            stdout: read("stdout"),
            stderr: read("stderr"),
            elapsed: self.start.elapsed(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Never leave a stopped or running child behind a failed assertion.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .arg("-CONT")
                .arg(self.child.id().to_string())
                .status();
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Polls `probe` every few milliseconds until it holds; panics naming
/// `what` after `limit`.
pub async fn wait_until<F, Fut>(what: &str, limit: Duration, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !probe().await {
        assert!(
            start.elapsed() < limit,
            "gave up after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Runs `sql`, which returns one integer, on `db`.
pub async fn int(db: &Db, sql: &str) -> i64 {
    let sql = AssertSqlSafe(sql.to_string());
    let result = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        Pool::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        Pool::Mysql(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    };
    result.unwrap_or_else(|e| panic!("{}: query failed: {e}", db.kind()))
}

/// The names of the database's tables.
pub async fn tables(db: &Db) -> BTreeSet<String> {
    introspect(db)
        .await
        .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", db.kind()))
        .tables
        .into_keys()
        .collect()
}

/// How many `bulk_*` tables exist (committed, as other sessions see them).
pub async fn bulk_tables(db: &Db) -> usize {
    let sql = match db.kind() {
        DialectKind::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'bulk\\_%' ESCAPE '\\'"
        }
        DialectKind::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name LIKE 'bulk\\_%'"
        }
        DialectKind::Mysql => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name LIKE 'bulk\\_%'"
        }
    };
    usize::try_from(int(db, sql).await).unwrap_or(0)
}

/// The MySQL lock push and migrate share (`invect-runtime/src/conn.rs`).
const MYSQL_LOCK: &str = "CONCAT('invect_', MD5(DATABASE()))";

/// A fresh database of `kind`; a SQLite file is switched to WAL first, as
/// the runtime opens it, so that the write lock [`lock_held`] sees is a
/// push's or migration's transaction, not the switch, and readers can look
/// while a writer is stopped.
pub async fn fresh(kind: DialectKind) -> AnyTestDb {
    let test = AnyTestDb::new(kind).await;
    if let AnyTestDb::Sqlite(t) = &test {
        sqlx::raw_sql("PRAGMA journal_mode = WAL")
            .execute(&t.pool)
            .await
            .expect("switch the SQLite file to WAL");
    }
    test
}

/// Whether some session holds the database's push/migrate lock: a
/// PostgreSQL advisory lock in this database, the MySQL named lock, or
/// SQLite's write lock (an immediate transaction that cannot start at once).
pub async fn lock_held(test: &AnyTestDb) -> bool {
    match test {
        AnyTestDb::Postgres(_) => {
            let sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
                       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
            int(&test.db(), sql).await > 0
        }
        AnyTestDb::Mysql(_) => {
            let sql = format!("SELECT CAST(IS_USED_LOCK({MYSQL_LOCK}) IS NOT NULL AS SIGNED)");
            int(&test.db(), &sql).await > 0
        }
        AnyTestDb::Sqlite(t) => {
            let mut conn = SqliteConnectOptions::new()
                .filename(&t.path)
                .busy_timeout(Duration::ZERO)
                .connect()
                .await
                .expect("a probe connection to the SQLite file");
            let held = sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut conn)
                .await
                .is_err();
            if !held {
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
            }
            let _ = conn.close().await;
            held
        }
    }
}

/// Sessions waiting for the database's push/migrate lock (PostgreSQL,
/// MySQL); SQLite shows no waiters (`None`).
pub async fn lock_waiters(test: &AnyTestDb) -> Option<i64> {
    let sql = match test {
        AnyTestDb::Postgres(_) => {
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        }
        AnyTestDb::Mysql(_) => {
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST \
             WHERE DB = DATABASE() AND STATE = 'User lock'"
        }
        AnyTestDb::Sqlite(_) => return None,
    };
    Some(int(&test.db(), sql).await)
}

/// Relation locks other PostgreSQL sessions hold in this database: grows as
/// a push or migration creates tables inside its (uncommitted) transaction.
pub async fn pg_relation_locks(test: &AnyTestDb) -> i64 {
    let sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'relation' AND granted \
               AND pid <> pg_backend_pid() \
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    int(&test.db(), sql).await
}

/// Waits until a push or migration of `bulk-cli` is half-way: inside its
/// transaction with many tables created (PostgreSQL), with some tables
/// committed (MySQL), or holding the write lock (SQLite, whose whole push
/// takes a fraction of a second).
pub async fn wait_half_way(test: &AnyTestDb) {
    let limit = Duration::from_secs(30);
    match test.kind() {
        DialectKind::Postgres => {
            wait_until("a PostgreSQL run half-way", limit, || async {
                lock_held(test).await && pg_relation_locks(test).await >= 200
            })
            .await
        }
        DialectKind::Mysql => {
            let db = test.db();
            wait_until("a MySQL run half-way", limit, || async {
                bulk_tables(&db).await >= 30
            })
            .await
        }
        DialectKind::Sqlite => wait_until("the SQLite write lock", limit, || lock_held(test)).await,
    }
}

/// `url` (a server URL) with its host and port replaced by `addr`.
pub fn via(url: &str, addr: SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").expect("a server URL");
    let (auth, rest) = rest.rsplit_once('@').expect("a user in the URL");
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    format!("{scheme}://{auth}@{addr}{path}")
}

/// The server address of a test URL.
pub fn server_addr(url: &str) -> SocketAddr {
    let p = crate::cli_support::url_parts(url);
    format!("{}:{}", p.host, p.port)
        .parse()
        .expect("the test URLs use 127.0.0.1:port")
}

pub use invect_tests::Proxy;

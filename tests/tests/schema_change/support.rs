//! Running `upgrade-cli` (`invect-cli` with the `upgrade` plugin at the
//! version `INVECT_TEST_UPGRADE` names) in a project folder of its own,
//! to completion or in the background to be killed, and what the tests
//! compare: the migration files on disk, the live catalog, every row.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use invect_runtime::introspect::{LiveSchema, introspect};
use invect_runtime::schema::{DialectKind, Schema};
use invect_runtime::{Db, Plugin, merged_schema};
use invect_tests::AnyTestDb;
use invect_tests::upgrade::UPGRADE_VAR;

use crate::rows::{self, Sums};

/// How long one run may take before the test gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A plugin version `upgrade-cli` runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
    Narrow,
}

impl Version {
    fn var(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2 => "2",
            Version::Narrow => "narrow",
        }
    }

    pub fn plugin(self) -> Plugin {
        match self {
            Version::V1 => invect_tests::upgrade::plugin_v1(),
            Version::V2 => invect_tests::upgrade::plugin_v2(),
            Version::Narrow => invect_tests::upgrade::plugin_narrow(),
        }
    }

    /// Core tables plus this version of the plugin.
    pub fn schema(self) -> Schema {
        merged_schema(&[self.plugin()], "").expect("core + the upgrade plugin")
    }
}

/// A database and the project folder whose `migrations/` its runs share.
#[derive(Debug)]
pub struct Project {
    pub test: AnyTestDb,
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A fresh database of `kind` (a SQLite file in WAL mode, as the
    /// runtime opens it, so the test's readers never block a migration).
    pub async fn new(kind: DialectKind) -> Project {
        let test = AnyTestDb::new(kind).await;
        if let AnyTestDb::Sqlite(t) = &test {
            sqlx::raw_sql("PRAGMA journal_mode = WAL")
                .execute(&t.pool)
                .await
                .expect("switch the SQLite file to WAL");
        }
        let dir = tempfile::tempdir().expect("a project folder");
        Project { test, dir }
    }

    pub fn kind(&self) -> DialectKind {
        self.test.kind()
    }

    pub fn db(&self) -> Db {
        self.test.db()
    }

    /// `migrations/<dialect>/`.
    pub fn migrations(&self) -> PathBuf {
        invect_runtime::migrate::dialect_dir(&self.dir.path().join("migrations"), self.kind())
    }

    /// Starts `upgrade-cli args... --database-url <the database>` at `version`.
    pub fn spawn(&self, version: Version, args: &[&str]) -> Running {
        let logs = tempfile::tempdir().expect("a folder for the output");
        let file =
            |name: &str| std::fs::File::create(logs.path().join(name)).expect("an output file");
        let child = Command::new(env!("CARGO_BIN_EXE_upgrade-cli"))
            .current_dir(self.dir.path())
            .args(args)
            .args(["--database-url", self.test.url()])
            .env(UPGRADE_VAR, version.var())
            .env_remove("DATABASE_URL")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(file("stdout"))
            .stderr(file("stderr"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start upgrade-cli: {e}"));
        Running {
            child,
            command: format!("upgrade-cli ({version:?}) {}", args.join(" ")),
            logs,
            start: Instant::now(),
        }
    }

    /// Runs `upgrade-cli args...` at `version` to the end.
    pub async fn run(&self, version: Version, args: &[&str]) -> Output {
        self.spawn(version, args).wait().await
    }

    /// Every file under `migrations/<dialect>/` and its content.
    pub fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut dirs = vec![self.migrations()];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    out.insert(
                        path.clone(),
                        std::fs::read(&path).expect("a migration file"),
                    );
                }
            }
        }
        out
    }

    /// The up files (`*.up.sql`), in version order.
    pub fn up_files(&self) -> Vec<PathBuf> {
        let mut ups: Vec<PathBuf> = self
            .files()
            .into_keys()
            .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
            .collect();
        ups.sort();
        ups
    }

    /// The live catalog, every row of `schema`'s tables, and the history.
    pub async fn state(&self, schema: &Schema) -> State {
        let db = self.db();
        let catalog = introspect(&db)
            .await
            .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", db.kind()));
        State {
            catalog,
            definitions: definitions(&db).await,
            sums: rows::sums(&db, schema).await,
            history: history(&db).await,
        }
    }

    pub async fn drop(self) {
        self.test.db().close().await;
        self.test.drop().await;
    }
}

/// What a failed change must leave exactly as it was.
#[derive(Debug, PartialEq)]
pub struct State {
    pub catalog: LiveSchema,
    pub definitions: Vec<Vec<Option<String>>>,
    pub sums: Sums,
    pub history: Vec<Vec<Option<String>>>,
}

/// `invect_migrations`: version and success of each row.
pub async fn history(db: &Db) -> Vec<Vec<Option<String>>> {
    let q = rows::quote(db.kind(), "success");
    let sql = format!(
        "SELECT CAST(version AS CHAR(20)), CAST({q} AS CHAR(5)) FROM invect_migrations ORDER BY version"
    );
    let sql = match db.kind() {
        DialectKind::Mysql => sql,
        _ => sql.replace("CHAR(20)", "TEXT").replace("CHAR(5)", "TEXT"),
    };
    rows::text_rows(db, &sql).await
}

/// A run of `upgrade-cli` in the background, its output going to files.
#[derive(Debug)]
pub struct Running {
    child: Child,
    command: String,
    logs: tempfile::TempDir,
    start: Instant,
}

impl Running {
    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
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
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Never leave a child behind a failed assertion.
        if self.running() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub command: String,
    /// The exit code; `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, Some(0), "`{}` failed:\n{self}", self.command);
        self.no_panic()
    }

    #[track_caller]
    pub fn failed(&self) -> &Self {
        assert!(
            matches!(self.code, Some(c) if c != 0),
            "`{}` should have failed:\n{self}",
            self.command
        );
        self.no_panic()
    }

    #[track_caller]
    fn no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "`{}` panicked:\n{self}",
            self.command
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "`{}`: stdout lacks {text:?}:\n{self}",
            self.command
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "`{}`: stderr lacks {text:?}:\n{self}",
            self.command
        );
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}\n--------------",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Polls `probe` until it holds; panics naming `what` after `limit`.
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
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Each table's definition as the server prints it, constraints included
/// (what [`introspect`] does not read: CHECKs, defaults): SQLite's stored
/// DDL, PostgreSQL's constraint definitions and column defaults, MySQL's
/// column types, defaults and CHECK clauses.
pub async fn definitions(db: &Db) -> Vec<Vec<Option<String>>> {
    let sql = match db.kind() {
        DialectKind::Sqlite => "SELECT type, name, sql FROM sqlite_master ORDER BY type, name",
        DialectKind::Postgres => {
            "SELECT conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid) \
             FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
             UNION ALL SELECT table_name || '.' || column_name, column_default \
             FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1"
        }
        DialectKind::Mysql => {
            "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME), CAST(COLUMN_TYPE AS CHAR), \
             CAST(COLUMN_DEFAULT AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() UNION ALL \
             SELECT CONCAT(TABLE_NAME, '.', CONSTRAINT_NAME), CAST(CHECK_CLAUSE AS CHAR), NULL \
             FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() \
             ORDER BY 1"
        }
    };
    rows::text_rows(db, sql).await
}

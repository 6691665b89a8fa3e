//! SQLite: what it does differently at run time, and opening a file or a
//! database in memory (WAL mode, foreign keys on, a busy timeout).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, Sqlite as SqlxSqlite};

use super::failure::{CONNECT_TIMEOUT, Ctx, driver_detail};
use super::pool::{Pool, pool_options};
use super::url::{Location, Target, query_value};
use super::violation::Place;
use super::{Driver, Kept};
use crate::config::{DatabaseConfig, DatabaseType};
use crate::error::{ConnectProblem, Error, Result};
use crate::redact::{percent_decode, shown};
use sqlx::error::DatabaseError;

/// How long a SQLite statement waits for a lock held by another connection.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite: the whole database is the lock, so the write transaction is it.
#[derive(Debug)]
pub(crate) struct Sqlite;

impl Driver for Sqlite {
    /// Deferred: the first read takes the snapshot, no write lock.
    fn begin_read(&self) -> &'static str {
        "BEGIN"
    }

    /// Takes the write lock at once (waiting up to the busy timeout), so a
    /// transaction that reads and then writes cannot fail half-way on it.
    fn begin_write(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn max_params(&self) -> usize {
        32_766
    }

    /// Few, large statements insert fastest.
    fn chunk_params(&self) -> usize {
        24_000
    }

    fn migration_failure_advice(&self, _version: i64, _kept: Kept) -> String {
        "the whole run was rolled back, nothing was applied; fix the cause and run migrate again"
            .to_string()
    }

    /// From `UNIQUE constraint failed: t.a, t.b`, `NOT NULL constraint
    /// failed: t.a` or `CHECK constraint failed: name` (foreign keys say nothing).
    fn violation_place(&self, db: &dyn DatabaseError) -> Place {
        let Some((head, list)) = db.message().split_once(" failed: ") else {
            return Place::default();
        };
        if head.starts_with("CHECK") {
            return Place {
                constraint: Some(list.to_string()),
                ..Place::default()
            };
        }
        let qualified: Vec<(&str, &str)> =
            list.split(", ").filter_map(|c| c.split_once('.')).collect();
        Place {
            table: qualified.first().map(|(t, _)| t.to_string()),
            constraint: None,
            columns: qualified.iter().map(|(_, c)| c.to_string()).collect(),
        }
    }

    fn lock_timeout_sql(&self, _timeout: std::time::Duration) -> Option<(String, String)> {
        None
    }

    fn count_tables_sql(&self, table: &str) -> String {
        format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
    }
}

/// SQLite options for the query parameters (`mode`, `cache`, `immutable`, `vfs`).
fn sqlite_base(ctx: &Ctx, memory: bool, query: Option<&str>) -> Result<SqliteConnectOptions> {
    let head = if memory { "sqlite::memory:" } else { "sqlite:" };
    let url = match query {
        Some(q) => format!("{head}?{q}"),
        None => head.to_string(),
    };
    let opts = SqliteConnectOptions::from_str(&url)
        .map_err(|e| ctx.malformed(DatabaseType::Sqlite, &e))?;
    Ok(opts.foreign_keys(true).busy_timeout(SQLITE_BUSY_TIMEOUT))
}

/// One connection, kept open for the life of the pool: every connection to
/// `:memory:` would otherwise be a database of its own, and the database
/// would vanish with its last connection.
pub(super) async fn connect_sqlite_memory(
    ctx: &Ctx,
    config: &DatabaseConfig,
    query: Option<&str>,
) -> Result<Pool> {
    let opts = sqlite_base(ctx, true, query)?;
    let pool = pool_options::<SqlxSqlite>(config)
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(opts)
        .await
        .map_err(|e| sqlite_error(ctx, Path::new(":memory:"), e))?;
    Ok(Pool::Sqlite(pool))
}

pub(super) async fn connect_sqlite_file(
    ctx: &Ctx,
    config: &DatabaseConfig,
    raw_path: &str,
    query: Option<&str>,
) -> Result<Pool> {
    let decoded = percent_decode(raw_path);
    if decoded.contains('\0') {
        return Err(ctx.fail(
            ConnectProblem::Malformed,
            format!(
                "the SQLite path in `{}` contains a NUL character; remove it",
                ctx.url
            ),
        ));
    }
    let path = std::path::absolute(&decoded).map_err(|e| {
        ctx.fail(
            ConnectProblem::SqlitePath,
            format!(
                "cannot resolve the SQLite path `{}` ({}); use an absolute path",
                shown(&decoded),
                ctx.text(&e)
            ),
        )
    })?;
    // Bad query parameters are reported before anything is created.
    let base = sqlite_base(ctx, false, query)?;
    let mode = query.and_then(|q| query_value(q, "mode"));
    let create = !matches!(mode, Some("ro" | "rw"));
    let mut read_only = mode == Some("ro");
    if path.is_dir() {
        return Err(ctx.fail(
            ConnectProblem::SqlitePath,
            format!(
                "`{}` is a folder, not a SQLite database file; add a file name, e.g. file:{}/dev.db",
                shown(&path.display().to_string()),
                shown(&path.display().to_string())
            ),
        ));
    }
    if path.exists() && !path.is_file() {
        return Err(ctx.fail(
            ConnectProblem::SqlitePath,
            format!(
                "`{}` is not a regular file (a device or a pipe?); point the connection string at a SQLite database file",
                shown(&path.display().to_string()),
            ),
        ));
    }
    if path.exists() {
        // A file this process may read but not write is opened read-only, so
        // that verification works on it; anything that writes will fail.
        if !read_only
            && let Err(e) = std::fs::OpenOptions::new().write(true).open(&path)
            && matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            )
        {
            read_only = true;
        }
    } else if create {
        create_parent(ctx, &path)?;
    }
    let mut opts = base
        .filename(&path)
        .create_if_missing(create && !read_only)
        .read_only(read_only);
    if !read_only {
        opts = opts.journal_mode(SqliteJournalMode::Wal);
    }
    if read_only && wal_is_empty(&path) && !readable(&opts).await {
        // A WAL database on read-only media: SQLite cannot create the `-shm`
        // index beside it, so no read works. No one can be writing there and
        // nothing committed waits in a `-wal`, so the file alone is the
        // database: read it as immutable (no locks, no `-shm`).
        opts = opts.immutable(true);
    }
    let pool = connect_sqlite_retrying(config, opts)
        .await
        .map_err(|e| sqlite_error(ctx, &path, e))?;
    Ok(Pool::Sqlite(pool))
}

/// Opens the pool, retrying while another process holds the file's lock:
/// switching a new file to WAL needs it, and SQLite may answer "database is
/// locked" at once instead of waiting (several deployers starting together).
/// Gives up after [`SQLITE_BUSY_TIMEOUT`], like a statement would.
async fn connect_sqlite_retrying(
    config: &DatabaseConfig,
    opts: SqliteConnectOptions,
) -> std::result::Result<sqlx::SqlitePool, sqlx::Error> {
    let start = std::time::Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        match pool_options::<SqlxSqlite>(config)
            .connect_with(opts.clone())
            .await
        {
            Err(e) if sqlite_busy(&e) && start.elapsed() < SQLITE_BUSY_TIMEOUT => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            result => return result,
        }
    }
}

/// SQLITE_BUSY or SQLITE_LOCKED, with any extended code.
fn sqlite_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// Whether a read works with `opts`: false only when SQLite cannot open
/// what it needs (SQLITE_CANTOPEN); other failures are left to the pool to report.
async fn readable(opts: &SqliteConnectOptions) -> bool {
    let Ok(mut conn) = opts.connect().await else {
        return true;
    };
    let read = sqlx::query("SELECT 1 FROM sqlite_master LIMIT 1")
        .fetch_optional(&mut conn)
        .await;
    let _ = conn.close().await;
    !matches!(read, Err(e) if cannot_open(&e))
}

/// SQLite's SQLITE_CANTOPEN.
fn cannot_open(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("14"))
}

/// Whether `<path>-wal` is absent or empty (nothing committed waits in it).
fn wal_is_empty(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(Path::new(&wal)).map_or(true, |m| m.len() == 0)
}

impl DatabaseConfig {
    /// This config opened so that reading changes nothing on disk: a SQLite
    /// file that is not in WAL mode (a rollback journal, as `sqlite3` makes
    /// it) read-only (`mode=ro`), so its journal mode stays as it is; a WAL
    /// file, a missing file, a server or `:memory:` as it is (a WAL file
    /// already is in WAL mode, and SQLite removes its `-wal` and `-shm` when
    /// the last read-write connection closes, which a read-only one cannot).
    pub fn for_reading(&self) -> DatabaseConfig {
        let ctx = Ctx::new(&self.id, &self.connection_string);
        let Ok(target) = Target::parse(&ctx, self.connection_string.trim()) else {
            return self.clone();
        };
        let (Location::File { path, query }, Some(file)) = (target.location, target.sqlite_file())
        else {
            return self.clone();
        };
        if !file.is_file() || in_wal_mode(&file) {
            return self.clone();
        }
        let mut params: Vec<&str> = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|p| !p.is_empty() && !p.starts_with("mode="))
            .collect();
        params.push("mode=ro");
        let mut config = self.clone();
        config.connection_string = format!("file:{path}?{}", params.join("&"));
        config
    }
}

/// Whether the SQLite file at `path` is in WAL mode: its header's read and
/// write versions (bytes 18 and 19) are 2; 1 is a rollback journal, and an
/// empty or unreadable file is no WAL database either.
fn in_wal_mode(path: &Path) -> bool {
    let mut header = [0u8; 20];
    let read = std::fs::File::open(path).and_then(|mut f| {
        use std::io::Read;
        f.read_exact(&mut header)
    });
    read.is_ok() && header.starts_with(b"SQLite format 3\0") && header[18] == 2 && header[19] == 2
}

/// Creates the folder a new SQLite file goes in.
fn create_parent(ctx: &Ctx, path: &Path) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(parent).map_err(|e| {
        ctx.fail(
            ConnectProblem::SqlitePath,
            format!(
                "cannot create the folder `{}` for the SQLite database `{}` ({}); choose a path this process can write, or create the folder first",
                shown(&parent.display().to_string()),
                shown(&path.display().to_string()),
                ctx.text(&e)
            ),
        )
    })
}

fn sqlite_error(ctx: &Ctx, path: &Path, e: sqlx::Error) -> Error {
    let file = shown(&path.display().to_string());
    match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("26") => ctx.fail(
            ConnectProblem::SqlitePath,
            format!(
                "`{file}` is not a SQLite database ({}); point the connection string at a SQLite file, or at a path where a new one may be created",
                ctx.text(&db.message())
            ),
        ),
        sqlx::Error::Database(_) | sqlx::Error::Io(_) => ctx.fail(
            ConnectProblem::SqlitePath,
            format!(
                "cannot open or create the SQLite database `{file}` ({}); check that the folder exists and this process may read and write the file and the folder",
                ctx.text(&driver_detail(&e))
            ),
        ),
        sqlx::Error::PoolTimedOut => ctx.fail(
            ConnectProblem::Timeout,
            format!(
                "the SQLite database `{file}` could not be opened within {} s (is another process holding a lock on it?); try again, or stop the process that holds it",
                CONNECT_TIMEOUT.as_secs()
            ),
        ),
        sqlx::Error::Configuration(_) => ctx.malformed(DatabaseType::Sqlite, &e),
        other => ctx.fail(
            ConnectProblem::Other,
            format!(
                "cannot open the SQLite database `{file}`: {}",
                ctx.text(other)
            ),
        ),
    }
}

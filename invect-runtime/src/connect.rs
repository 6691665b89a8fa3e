//! Opening a database from a [`DatabaseConfig`]: parse the connection string,
//! check it against the configured type, connect within bounded time, and
//! turn every failure into an [`Error::Connect`] that names the database id,
//! says what went wrong and what to do, with the password replaced by `***`.
//!
//! Connection strings:
//! - SQLite: `file:./dev.db` (relative to the working directory), `file:/abs/path.db`,
//!   `sqlite://./dev.db`, `sqlite:///abs/path.db`, `sqlite:dev.db`, `:memory:`
//!   (also `sqlite::memory:`). A missing file and its folder are created
//!   unless the query says `mode=ro` or `mode=rw`.
//! - PostgreSQL: `postgresql://...` or `postgres://...`.
//! - MySQL/MariaDB: `mysql://...` (also `mariadb://...`).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlDatabaseError};
use sqlx::postgres::{PgConnectOptions, PgDatabaseError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, MySql, Postgres, Sqlite};

use crate::config::{
    DatabaseConfig, DatabaseType, percent_decode, redact_connection_string, redact_text, scrub,
    secrets_of, shown, shown_id,
};
use crate::db::{Pool, STRICT_MODE, pool_options};
use crate::error::{Error, Result};

/// How long opening a connection to PostgreSQL or MySQL may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a SQLite statement waits for a lock held by another connection.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a database could not be opened (the `problem` of [`Error::Connect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectProblem {
    /// The connection string is empty or cannot be parsed.
    Malformed,
    /// The connection string's scheme is not one Invect knows.
    UnknownScheme,
    /// The configured `type` and the connection string disagree.
    TypeMismatch,
    /// The server cannot be reached: connection refused, unknown host, no route.
    Unreachable,
    /// The server (or a locked SQLite file) did not answer in time.
    Timeout,
    /// The server refused the login: wrong user or password, or no access.
    LoginRefused,
    /// The database named in the connection string does not exist.
    MissingDatabase,
    /// The SQLite file or its folder cannot be created, opened or written.
    SqlitePath,
    /// TLS with the server failed.
    Tls,
    /// Anything else the driver reported.
    Other,
}

/// Opens a pool for `config`.
pub(crate) async fn connect_pool(config: &DatabaseConfig) -> Result<Pool> {
    let ctx = Ctx::new(&config.id, &config.connection_string);
    config.validate()?;
    let source = config.connection_string.trim();
    let found = parse_scheme(&ctx, source)?;
    if found.r#type() != config.r#type {
        return Err(ctx.fail(
            ConnectProblem::TypeMismatch,
            format!(
                "`type` is `{}`, which does not match the connection string `{}` (a {} connection string); set `type` to `{}` or use a {} connection string",
                config.r#type,
                ctx.url,
                found.r#type().label(),
                found.r#type(),
                config.r#type.label(),
            ),
        ));
    }
    match found {
        Scheme::Memory { query } => connect_sqlite_memory(&ctx, query).await,
        Scheme::SqliteFile { path, query } => connect_sqlite_file(&ctx, path, query).await,
        Scheme::Postgres => connect_postgres(&ctx, source).await,
        Scheme::Mysql => connect_mysql(&ctx, source).await,
    }
}

/// The database type a connection string is for (for `Db::connect(url)`).
pub(crate) fn infer_type(id: &str, connection_string: &str) -> Result<DatabaseType> {
    let ctx = Ctx::new(id, connection_string);
    Ok(parse_scheme(&ctx, connection_string.trim())?.r#type())
}

/// The file a SQLite connection string opens (`None` for `:memory:`, a
/// server, or a string that does not parse), resolved against the working
/// directory: read-only commands check it exists rather than create it.
#[cfg(feature = "cli")]
pub(crate) fn sqlite_file(connection_string: &str) -> Option<std::path::PathBuf> {
    let ctx = Ctx::new("", connection_string);
    match parse_scheme(&ctx, connection_string.trim()).ok()? {
        Scheme::SqliteFile { path, .. } => std::path::absolute(percent_decode(path)).ok(),
        _ => None,
    }
}

/// What failure messages need: the id, and the connection string redacted.
struct Ctx {
    id: String,
    url: String,
    secrets: Vec<String>,
}

impl Ctx {
    fn new(id: &str, connection_string: &str) -> Ctx {
        Ctx {
            id: shown_id(id),
            url: shown(&redact_connection_string(connection_string.trim())),
            secrets: secrets_of(connection_string),
        }
    }

    fn fail(&self, problem: ConnectProblem, message: impl Into<String>) -> Error {
        Error::Connect {
            id: self.id.clone(),
            problem,
            message: message.into(),
        }
    }

    /// A driver's message, safe to show: URLs and known secrets masked.
    fn text(&self, e: &dyn std::fmt::Display) -> String {
        shown(&scrub(&redact_text(&e.to_string()), &self.secrets))
    }

    /// The connection string could not be parsed as a `kind` URL.
    fn malformed(&self, kind: DatabaseType, e: &sqlx::Error) -> Error {
        let reason = match e {
            sqlx::Error::Configuration(inner) => self.text(inner),
            other => self.text(other),
        };
        let example = match kind {
            DatabaseType::Postgresql => "postgresql://user:password@host:5432/database",
            DatabaseType::Mysql => "mysql://user:password@host:3306/database",
            DatabaseType::Sqlite => "file:./dev.db",
        };
        self.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` is not a valid {} URL ({reason}); write it as {example}",
                self.url,
                kind.label()
            ),
        )
    }
}

/// What a connection string's scheme says.
enum Scheme<'a> {
    Memory {
        query: Option<&'a str>,
    },
    SqliteFile {
        path: &'a str,
        query: Option<&'a str>,
    },
    Postgres,
    Mysql,
}

impl Scheme<'_> {
    fn r#type(&self) -> DatabaseType {
        match self {
            Scheme::Memory { .. } | Scheme::SqliteFile { .. } => DatabaseType::Sqlite,
            Scheme::Postgres => DatabaseType::Postgresql,
            Scheme::Mysql => DatabaseType::Mysql,
        }
    }
}

const KNOWN_SCHEMES: &str = "file:, sqlite:, :memory:, postgresql://, postgres:// or mysql://";

fn parse_scheme<'a>(ctx: &Ctx, s: &'a str) -> Result<Scheme<'a>> {
    if s.is_empty() {
        return Err(ctx.fail(
            ConnectProblem::Malformed,
            "the connection string is empty; set it to e.g. `file:./dev.db`, `postgresql://user:password@host/database` or `mysql://user:password@host/database`",
        ));
    }
    // ASCII lower-casing keeps byte offsets, so `lower`'s indices work on `s`.
    let lower = s.to_ascii_lowercase();
    if lower == ":memory:" || lower.starts_with(":memory:?") {
        return Ok(Scheme::Memory {
            query: s.split_once('?').map(|(_, q)| q),
        });
    }
    for prefix in ["sqlite:", "file:"] {
        if lower.starts_with(prefix) {
            return sqlite_scheme(ctx, &s[prefix.len()..]);
        }
    }
    if lower.starts_with("postgresql://") || lower.starts_with("postgres://") {
        return Ok(Scheme::Postgres);
    }
    if lower.starts_with("mysql://") || lower.starts_with("mariadb://") {
        return Ok(Scheme::Mysql);
    }
    let scheme = lower
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|sc| {
            !sc.is_empty()
                && sc.starts_with(|c: char| c.is_ascii_alphabetic())
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
    Err(match scheme {
        Some(sc @ ("postgresql" | "postgres" | "mysql" | "mariadb")) => ctx.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` lacks the `//` after `{sc}:`; write it as {sc}://user:password@host/database",
                ctx.url
            ),
        ),
        Some(sc) => ctx.fail(
            ConnectProblem::UnknownScheme,
            format!(
                "the connection string `{}` has an unknown scheme `{}`; use {KNOWN_SCHEMES}",
                ctx.url,
                shown(sc)
            ),
        ),
        None => ctx.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` has no scheme; write file:<path> for a SQLite file, or use {KNOWN_SCHEMES}",
                ctx.url
            ),
        ),
    })
}

/// `rest` is what follows `sqlite:` or `file:`: `//path`, `path` or `:memory:`, then `?query`.
fn sqlite_scheme<'a>(ctx: &Ctx, rest: &'a str) -> Result<Scheme<'a>> {
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let path = path.strip_prefix("//").unwrap_or(path);
    let memory_mode = query.is_some_and(|q| query_value(q, "mode") == Some("memory"));
    // `mode=memory` with a name is still one private database per pool.
    if path == ":memory:" || memory_mode {
        return Ok(Scheme::Memory { query });
    }
    if path.is_empty() {
        return Err(ctx.fail(
            ConnectProblem::Malformed,
            format!(
                "the connection string `{}` names no SQLite file; write e.g. file:./dev.db, or :memory: for a database in memory",
                ctx.url
            ),
        ));
    }
    Ok(Scheme::SqliteFile { path, query })
}

/// The value of `key` in a `a=b&c=d` query.
fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
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
async fn connect_sqlite_memory(ctx: &Ctx, query: Option<&str>) -> Result<Pool> {
    let opts = sqlite_base(ctx, true, query)?;
    let pool = pool_options::<Sqlite>()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(opts)
        .await
        .map_err(|e| sqlite_error(ctx, Path::new(":memory:"), e))?;
    Ok(Pool::Sqlite(pool))
}

async fn connect_sqlite_file(ctx: &Ctx, raw_path: &str, query: Option<&str>) -> Result<Pool> {
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
    let pool = connect_sqlite_retrying(opts)
        .await
        .map_err(|e| sqlite_error(ctx, &path, e))?;
    Ok(Pool::Sqlite(pool))
}

/// Opens the pool, retrying while another process holds the file's lock:
/// switching a new file to WAL needs it, and SQLite may answer "database is
/// locked" at once instead of waiting (several deployers starting together).
/// Gives up after [`SQLITE_BUSY_TIMEOUT`], like a statement would.
async fn connect_sqlite_retrying(
    opts: SqliteConnectOptions,
) -> std::result::Result<sqlx::SqlitePool, sqlx::Error> {
    let start = std::time::Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        match pool_options::<Sqlite>().connect_with(opts.clone()).await {
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

/// The driver's message without sqlx's "error returned from database: " prefix.
fn driver_detail(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// Where a server is, and as whom we log in, for messages.
struct Server {
    r#type: DatabaseType,
    address: String,
    user: String,
    database: Option<String>,
}

async fn connect_postgres(ctx: &Ctx, source: &str) -> Result<Pool> {
    let opts = PgConnectOptions::from_str(source)
        .map_err(|e| ctx.malformed(DatabaseType::Postgresql, &e))?;
    let server = Server {
        r#type: DatabaseType::Postgresql,
        address: match opts.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => format!("{}:{}", opts.get_host(), opts.get_port()),
        },
        user: opts.get_username().to_string(),
        // PostgreSQL's default database is the one named like the user.
        database: Some(
            opts.get_database()
                .unwrap_or(opts.get_username())
                .to_string(),
        ),
    };
    // A direct connection first: the pool retries refused connections until
    // its timeout and then reports only the timeout, not the cause.
    let conn = probe(ctx, &server, opts.connect()).await?;
    let _ = conn.close().await;
    let pool = pool_options::<Postgres>()
        .connect_with(opts)
        .await
        .map_err(|e| server_error(ctx, &server, e))?;
    Ok(Pool::Postgres(pool))
}

async fn connect_mysql(ctx: &Ctx, source: &str) -> Result<Pool> {
    let opts = MySqlConnectOptions::from_str(source)
        .map_err(|e| ctx.malformed(DatabaseType::Mysql, &e))?
        .timezone(Some("+00:00".to_string()));
    let server = Server {
        r#type: DatabaseType::Mysql,
        address: match opts.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => format!("{}:{}", opts.get_host(), opts.get_port()),
        },
        user: opts.get_username().to_string(),
        database: opts.get_database().map(str::to_string),
    };
    let mut conn = probe(ctx, &server, opts.connect()).await?;
    let strict = sqlx::Executor::execute(&mut conn, STRICT_MODE).await;
    let _ = conn.close().await;
    strict.map_err(|e| server_error(ctx, &server, e))?;
    let pool = pool_options::<MySql>()
        .after_connect(|conn, _| {
            Box::pin(async move {
                // Strict mode: an oversized or invalid value is an error, never silently cut.
                sqlx::Executor::execute(&mut *conn, STRICT_MODE).await?;
                Ok(())
            })
        })
        .connect_with(opts)
        .await
        .map_err(|e| server_error(ctx, &server, e))?;
    Ok(Pool::Mysql(pool))
}

/// Runs one connection attempt, bounded by [`CONNECT_TIMEOUT`].
async fn probe<C>(
    ctx: &Ctx,
    server: &Server,
    attempt: impl Future<Output = std::result::Result<C, sqlx::Error>>,
) -> Result<C> {
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(server_error(ctx, server, e)),
        Err(_) => Err(server_error(ctx, server, sqlx::Error::PoolTimedOut)),
    }
}

/// A PostgreSQL or MySQL connection failure, in words.
fn server_error(ctx: &Ctx, server: &Server, e: sqlx::Error) -> Error {
    use ConnectProblem::*;
    let label = server.r#type.label();
    let at = format!("the {label} server at {}", shown(&server.address));
    let url = &ctx.url;
    let detail = ctx.text(&driver_detail(&e));
    let (problem, message) = match &e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => (
            Unreachable,
            format!(
                "cannot connect to {at}: connection refused; start the server, or fix the host and port in `{url}`"
            ),
        ),
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => (
            Timeout,
            format!(
                "{at} did not answer within {} s ({detail}); check the host and port in `{url}`, that the server is running, and that no firewall drops the connection",
                CONNECT_TIMEOUT.as_secs()
            ),
        ),
        sqlx::Error::Io(_) => (
            Unreachable,
            format!(
                "cannot reach {at} ({detail}); check the host and port in `{url}` and that the server is running"
            ),
        ),
        sqlx::Error::PoolTimedOut => (
            Timeout,
            format!(
                "{at} did not answer within {} s; check the host and port in `{url}`, that the server is running, and that no firewall drops the connection",
                CONNECT_TIMEOUT.as_secs()
            ),
        ),
        sqlx::Error::Tls(_) => (
            Tls,
            format!(
                "TLS with {at} failed ({detail}); check the server's certificate and the sslmode / ssl-mode of `{url}`"
            ),
        ),
        sqlx::Error::Configuration(_) => return ctx.malformed(server.r#type, &e),
        sqlx::Error::Database(db) => match database_problem(db.as_ref()) {
            Some(LoginRefused) => (
                LoginRefused,
                format!(
                    "{at} refused the login of user `{}` ({detail}); check the user name and password in `{url}`",
                    shown(&server.user)
                ),
            ),
            Some(MissingDatabase) => {
                let name = shown(server.database.as_deref().unwrap_or("?"));
                (
                    MissingDatabase,
                    format!(
                        "database `{name}` does not exist on {at}; create it (CREATE DATABASE {name}) or fix the database name in `{url}`"
                    ),
                )
            }
            _ => (
                Other,
                format!("{at} refused the connection ({detail}); connection string `{url}`"),
            ),
        },
        _ => (
            Other,
            format!("cannot connect to {at} ({detail}); connection string `{url}`"),
        ),
    };
    ctx.fail(problem, message)
}

/// Login and missing-database errors by their PostgreSQL SQLSTATE or MySQL error number.
fn database_problem(db: &dyn sqlx::error::DatabaseError) -> Option<ConnectProblem> {
    if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
        return match pg.code() {
            // invalid_password, invalid_authorization_specification
            "28P01" | "28000" => Some(ConnectProblem::LoginRefused),
            // invalid_catalog_name
            "3D000" => Some(ConnectProblem::MissingDatabase),
            _ => None,
        };
    }
    if let Some(my) = db.try_downcast_ref::<MySqlDatabaseError>() {
        return match my.number() {
            // access denied (password, no access to the database, plugin)
            1045 | 1044 | 1698 | 1251 => Some(ConnectProblem::LoginRefused),
            // unknown database
            1049 => Some(ConnectProblem::MissingDatabase),
            _ => None,
        };
    }
    None
}

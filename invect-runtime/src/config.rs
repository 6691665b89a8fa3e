//! Configuration: the [`DatabaseConfig`] a database is opened with, and the
//! [`InvectConfig`] of an `invect.toml` file.
//!
//! Both deserialize (serde, camelCase keys) from the shape the TypeScript
//! Invect uses, `{ "type": "postgresql", "connectionString": "...", "id": "main" }`.
//! Keys are camelCase only (`connectionString`, not `connection_string`), and
//! an unknown key is an error that names it.
//!
//! ```toml
//! # invect.toml
//! schemaVerification = "warn"     # off (default) | warn | strict
//! migrationsDir = "migrations"    # default "migrations"
//!
//! [database]
//! type = "sqlite"                 # sqlite | postgresql (or postgres) | mysql (or mariadb)
//! connectionString = "file:./dev.db"
//! id = "main"
//! tablePrefix = "invect_"         # optional, default none
//! maxConnections = 10             # pool size, default 10
//! acquireTimeoutMillis = 10000    # wait for a free connection, default 10 s
//! statementTimeoutMillis = 30000  # optional, default none (PostgreSQL, MySQL)
//! ```
//!
//! Relative paths (`file:./dev.db`, `migrationsDir`) are relative to the
//! working directory of the process, not to the file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use invect_schema::DialectKind;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::redact::{redact_connection_string, redact_text, shown, shown_id};

/// Which database server a [`DatabaseConfig`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseType {
    /// `"sqlite"`.
    Sqlite,
    /// `"postgresql"` (also accepted: `"postgres"`).
    #[serde(alias = "postgres")]
    Postgresql,
    /// `"mysql"` (also accepted: `"mariadb"`).
    #[serde(alias = "mariadb")]
    Mysql,
}

impl DatabaseType {
    /// Every database type, in [`DialectKind::ALL`]'s order.
    const ALL: [DatabaseType; 3] = [
        DatabaseType::Sqlite,
        DatabaseType::Postgresql,
        DatabaseType::Mysql,
    ];

    /// The dialect this database speaks.
    pub fn dialect(self) -> DialectKind {
        DialectKind::ALL[self as usize]
    }

    /// The value of `type` in a config file: `sqlite`, `postgresql` or `mysql`.
    pub fn as_str(self) -> &'static str {
        ["sqlite", "postgresql", "mysql"][self as usize]
    }

    /// The server's name in messages: `SQLite`, `PostgreSQL`, `MySQL`.
    pub fn label(self) -> &'static str {
        ["SQLite", "PostgreSQL", "MySQL"][self as usize]
    }
}

impl From<DialectKind> for DatabaseType {
    fn from(kind: DialectKind) -> DatabaseType {
        DatabaseType::ALL[kind.index()]
    }
}

impl fmt::Display for DatabaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<DatabaseType> for DialectKind {
    fn from(t: DatabaseType) -> DialectKind {
        t.dialect()
    }
}

/// Connections a pool keeps open at most, unless configured.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
/// How long a statement waits for a free connection, unless configured.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// One database: its type, connection string and id (the id names it in
/// every error message), and its pool: how many connections, how long to
/// wait for one, and how long one statement may run.
///
/// `Debug` shows the connection string with its password replaced by `***`.
///
/// ```
/// use invect_runtime::{DatabaseConfig, DatabaseType};
/// let config = DatabaseConfig {
///     r#type: DatabaseType::Postgresql,
///     connection_string: "postgres://app:hunter2@db.internal/app".into(),
///     id: "main".into(),
///     ..DatabaseConfig::default()
/// };
/// assert!(!format!("{config:?}").contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite`, `postgresql` or `mysql`; must agree with the connection string.
    pub r#type: DatabaseType,
    /// `file:./dev.db`, `file:/abs/path.db`, `sqlite://...`, `:memory:`,
    /// `postgresql://...` / `postgres://...` or `mysql://...`.
    pub connection_string: String,
    /// Names the database in error messages (`main`, say).
    pub id: String,
    /// Put in front of every Invect table name (`invect_`, say); empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub table_prefix: String,
    /// Most connections the pool opens (`maxConnections`); default
    /// [`DEFAULT_MAX_CONNECTIONS`]. A SQLite `:memory:` database always has one.
    #[serde(
        default = "default_max_connections",
        skip_serializing_if = "is_default_max_connections"
    )]
    pub max_connections: u32,
    /// How long a statement or `begin` waits for a free connection before it
    /// fails naming the cause (`acquireTimeoutMillis`); default [`DEFAULT_ACQUIRE_TIMEOUT`].
    #[serde(
        rename = "acquireTimeoutMillis",
        default = "default_acquire_timeout",
        skip_serializing_if = "is_default_acquire_timeout",
        with = "millis"
    )]
    pub acquire_timeout: Duration,
    /// The longest one statement may run before the server cancels it
    /// (`statementTimeoutMillis`); default none. PostgreSQL: `statement_timeout`;
    /// MariaDB: `max_statement_time`; MySQL 8: `max_execution_time`, which
    /// bounds read-only `SELECT`s only. SQLite has no statement timeout.
    #[serde(
        rename = "statementTimeoutMillis",
        default,
        with = "opt_millis",
        skip_serializing_if = "Option::is_none"
    )]
    pub statement_timeout: Option<Duration>,
}

fn default_max_connections() -> u32 {
    DEFAULT_MAX_CONNECTIONS
}

fn default_acquire_timeout() -> Duration {
    DEFAULT_ACQUIRE_TIMEOUT
}

// Defaults are left out when serializing, so a config keeps the TypeScript shape.
fn is_default_max_connections(n: &u32) -> bool {
    *n == DEFAULT_MAX_CONNECTIONS
}

fn is_default_acquire_timeout(d: &Duration) -> bool {
    *d == DEFAULT_ACQUIRE_TIMEOUT
}

/// A [`Duration`] as whole milliseconds.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// An optional [`Duration`] as whole milliseconds.
mod opt_millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::millis::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Option::<u64>::deserialize(d).map(|ms| ms.map(Duration::from_millis))
    }
}

impl DatabaseConfig {
    /// A config without a table prefix.
    pub fn new(
        r#type: DatabaseType,
        connection_string: impl Into<String>,
        id: impl Into<String>,
    ) -> DatabaseConfig {
        DatabaseConfig {
            r#type,
            connection_string: connection_string.into(),
            id: id.into(),
            table_prefix: String::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            statement_timeout: None,
        }
    }

    /// This config with `prefix` in front of every Invect table name.
    pub fn with_table_prefix(mut self, prefix: impl Into<String>) -> DatabaseConfig {
        self.table_prefix = prefix.into();
        self
    }

    /// This config with a pool of at most `n` connections.
    pub fn with_max_connections(mut self, n: u32) -> DatabaseConfig {
        self.max_connections = n;
        self
    }

    /// This config waiting at most `timeout` for a free connection.
    pub fn with_acquire_timeout(mut self, timeout: Duration) -> DatabaseConfig {
        self.acquire_timeout = timeout;
        self
    }

    /// This config with every statement cancelled by the server after
    /// `timeout` (`None`: no limit); see [`statement_timeout`](Self::statement_timeout).
    pub fn with_statement_timeout(
        mut self,
        timeout: impl Into<Option<Duration>>,
    ) -> DatabaseConfig {
        self.statement_timeout = timeout.into();
        self
    }

    /// Parses the JSON shape of the TypeScript Invect, then [`validate`](Self::validate)s it.
    pub fn from_json_str(json: &str) -> Result<DatabaseConfig> {
        let config: DatabaseConfig = serde_json::from_str(json).map_err(|e| Error::ConfigFile {
            file: "<json>".into(),
            line: Some(e.line()).filter(|&l| l > 0),
            column: Some(e.column()).filter(|&c| c > 0),
            message: json_message(&e),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: a usable id, table prefix and pool.
    pub fn validate(&self) -> Result<()> {
        let bad = |message: String| Error::Config {
            id: shown_id(&self.id),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(bad(
                "`id` is empty; give the database a name such as \"main\"".into(),
            ));
        }
        if self.id.len() > 64 || self.id.chars().any(char::is_control) {
            return Err(bad(
                "`id` must be at most 64 characters without control characters; use a short name such as \"main\"".into(),
            ));
        }
        let p = &self.table_prefix;
        let valid_prefix = p.is_empty()
            || (p.len() <= 32
                && p.starts_with(|c: char| c.is_ascii_lowercase())
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
        if !valid_prefix {
            return Err(bad(format!(
                "table prefix `{}` is not allowed; use up to 32 lower-case letters, digits and `_`, starting with a letter (e.g. \"invect_\")",
                shown(p)
            )));
        }
        self.validate_pool().map_err(bad)
    }

    /// A pool of at least one connection, timeouts of at least 1 ms, and a
    /// statement timeout every server can take (PostgreSQL's is a 32-bit count of ms).
    fn validate_pool(&self) -> std::result::Result<(), String> {
        if self.max_connections == 0 {
            return Err(
                "`maxConnections` is 0; a pool needs at least 1 connection (default 10)".into(),
            );
        }
        if self.acquire_timeout < Duration::from_millis(1) {
            return Err("`acquireTimeoutMillis` is 0; give the time a statement may wait for a free connection, e.g. 10000 (the default)".into());
        }
        match self.statement_timeout {
            Some(t) if t < Duration::from_millis(1) => Err(
                "`statementTimeoutMillis` is 0; leave it out for no limit, or give e.g. 30000"
                    .into(),
            ),
            Some(t) if t.as_millis() > i32::MAX as u128 => Err(format!(
                "`statementTimeoutMillis` is {} ms, more than PostgreSQL accepts ({} ms, about 24 days); leave it out for no limit",
                t.as_millis(),
                i32::MAX
            )),
            _ => Ok(()),
        }
    }
}

impl Default for DatabaseConfig {
    /// SQLite, no connection string yet, id `main`, no prefix: fill in the rest
    /// with struct-update syntax (`..DatabaseConfig::default()`).
    fn default() -> DatabaseConfig {
        DatabaseConfig::new(DatabaseType::Sqlite, "", "main")
    }
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("type", &self.r#type)
            .field(
                "connection_string",
                &redact_connection_string(&self.connection_string),
            )
            .field("id", &self.id)
            .field("table_prefix", &self.table_prefix)
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .finish()
    }
}

/// How schema verification at startup reacts to drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SchemaVerification {
    /// Don't verify (the default).
    #[default]
    Off,
    /// Log what is missing or differs, and carry on.
    Warn,
    /// Return what is missing or differs as an error.
    Strict,
}

/// The contents of an `invect.toml` file (camelCase keys; an unknown key is
/// an error naming it). Relative paths are relative to the working directory.
///
/// ```toml
/// schemaVerification = "warn"     # off (default) | warn | strict
/// migrationsDir = "migrations"    # default "migrations"
///
/// [database]
/// type = "sqlite"                 # sqlite | postgresql (or postgres) | mysql (or mariadb)
/// connectionString = "file:./dev.db"
/// id = "main"
/// tablePrefix = "invect_"         # optional, default none
/// maxConnections = 10             # pool size, default 10
/// acquireTimeoutMillis = 10000    # wait for a free connection, default 10 s
/// statementTimeoutMillis = 30000  # optional, default none
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvectConfig {
    /// The `[database]` table.
    pub database: DatabaseConfig,
    /// `off` (default), `warn` or `strict`.
    #[serde(default)]
    pub schema_verification: SchemaVerification,
    /// Where migration files live; default `migrations`.
    #[serde(default = "default_migrations_dir")]
    pub migrations_dir: PathBuf,
}

fn default_migrations_dir() -> PathBuf {
    PathBuf::from("migrations")
}

impl InvectConfig {
    /// Parses TOML text; errors name `<toml>` as the file.
    pub fn from_toml_str(text: &str) -> Result<InvectConfig> {
        parse_toml(text, "<toml>")
    }

    /// Reads and parses the file at `path`; errors name the file, and for
    /// bad contents the line, the column and the key or value at fault.
    pub fn from_file(path: impl AsRef<Path>) -> Result<InvectConfig> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::ConfigFile {
            file: file.clone(),
            line: None,
            column: None,
            message: match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "the file does not exist; create it or point to the right file".into()
                }
                std::io::ErrorKind::InvalidData => {
                    "the file is not UTF-8 text; save it as UTF-8".into()
                }
                _ => format!("cannot read the file ({e}); check that it exists and is readable"),
            },
        })?;
        parse_toml(&text, &file)
    }
}

fn parse_toml(text: &str, file: &str) -> Result<InvectConfig> {
    let config: InvectConfig = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_column(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        let mut message = redact_text(e.message().trim());
        if message.starts_with("missing field") {
            message.push_str("; add it");
        } else if message.starts_with("unknown field") {
            message.push_str("; fix the key's spelling or remove it (keys are camelCase)");
        }
        if let Some(line) = line
            && let Some(content) = text.lines().nth(line - 1)
        {
            message.push_str(&format!(
                "\n  {line} | {}",
                shown(&redact_text(content.trim_end()))
            ));
        }
        Error::ConfigFile {
            file: file.to_string(),
            line,
            column,
            message,
        }
    })?;
    config.database.validate()?;
    Ok(config)
}

fn json_message(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the error carries those separately.
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    redact_text(&text)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

//! The runtime's error type, with the problem kinds callers match on and the
//! wording of every message. A leaf: it imports nothing else of the runtime
//! but the pure [`report`](crate::report) it carries.

use invect_schema::meta::MIGRATIONS_TABLE;
use invect_schema::{SchemaErrors, TableDef, foreign_key_name};

use crate::report::VerifyReport;

/// An error from a value's encoder or decoder.
pub type BoxDynError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in the runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database reported an error or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A write broke a constraint: a unique key, a foreign key, NOT NULL or
    /// a CHECK. The same on every dialect, so callers match on
    /// [`Violation::kind`], never on the server's message.
    #[error("{0}")]
    Constraint(Box<Violation>),
    /// A typed query that cannot run as built (say, a row lock outside a
    /// transaction, or an upsert on columns that are no key).
    #[error("{0}")]
    InvalidQuery(String),
    /// A statement's values are larger than the server takes (MySQL's
    /// `max_allowed_packet`); nothing was sent.
    #[error(
        "the statement's values take about {bytes} bytes, over the server's max_allowed_packet of {limit} bytes; nothing was sent. Send smaller values, or raise the limit (`SET GLOBAL max_allowed_packet = …`, or `max_allowed_packet` in the server's config)"
    )]
    TooLarge { bytes: usize, limit: i64 },
    /// A value could not be bound as a query parameter.
    #[error("cannot bind a value for `{table}`: {source}")]
    Bind {
        table: &'static str,
        source: BoxDynError,
    },
    /// The definitions do not form a valid schema.
    #[error(transparent)]
    Schema(#[from] SchemaErrors),
    /// A row that should exist does not (e.g. read-back after insert).
    #[error("no row in `{table}` has that primary key")]
    NotFound { table: &'static str },
    /// The connection string or configuration is unusable.
    #[error("database `{id}`: {message}")]
    Config { id: String, message: String },
    /// Opening the database failed; `problem` says why, `message` says it in
    /// words (with any password replaced by `***`) and what to do.
    #[error("database `{id}`: {message}")]
    Connect {
        id: String,
        problem: ConnectProblem,
        message: String,
    },
    /// A database that was opened could not serve a statement: no connection
    /// came free within the acquire timeout, or the connection broke off.
    /// `problem` says why (for an outage, the cause of the last connection
    /// attempt), `message` says it in words (password redacted) and what to
    /// do; `id` is `None` for a [`Db`](crate::Db) made with `Db::from_pool`.
    #[error("database{}: {message}", id.as_ref().map(|i| format!(" `{i}`")).unwrap_or_default())]
    Unavailable {
        id: Option<String>,
        problem: ConnectProblem,
        message: String,
    },
    /// A configuration file (or string) cannot be read or parsed.
    #[error("config file `{file}`{}: {message}", position(.line, .column))]
    ConfigFile {
        /// The path, or `<toml>` / `<json>` for text parsed from a string.
        file: String,
        /// 1-based line of the fault, when known.
        line: Option<usize>,
        /// 1-based column (in characters) of the fault, when known.
        column: Option<usize>,
        message: String,
    },
    /// Push would have to change the database in a way it never does.
    #[error("push refused, nothing was changed:\n{}", reasons.iter().map(|r| format!("  - {r}")).collect::<Vec<_>>().join("\n"))]
    PushRefused { reasons: Vec<String> },
    /// Adoption found tables or columns that differ from the declaration.
    #[error("adoption refused, nothing was changed:\n{}", reasons.iter().map(|r| format!("  - {r}")).collect::<Vec<_>>().join("\n"))]
    AdoptRefused { reasons: Vec<String> },
    /// A schema statement failed; in a transaction everything before it was rolled back.
    #[error("{source}\n  while running: {sql}")]
    Statement { sql: String, source: Box<Error> },
    /// Strict startup verification found the database lacking.
    #[error("{0}")]
    Verification(Box<VerifyReport>),
    /// A credential cannot be encrypted or decrypted, or a key is unusable.
    #[error("{}{message}", id.as_ref().map(|i| format!("credential `{i}`: ")).unwrap_or_default())]
    Credential {
        /// The credential concerned, when there is one.
        id: Option<String>,
        problem: CredentialProblem,
        message: String,
    },
    /// The push/migration lock could not be taken.
    #[error("{0}")]
    Lock(String),
    /// Migration files, their folder or a snapshot cannot be read, written
    /// or used; `path` is the file or folder concerned.
    #[error("migrations: `{}`: {message}", path.display())]
    MigrationFiles {
        path: std::path::PathBuf,
        message: String,
    },
    /// The declared schema changed in a way a generated migration never does.
    #[error("no migration was written, the declared schema changed in ways a generated migration never does:\n{}\nto make such a change, write its migration by hand as a newer `<version>_<name>.sql` in the dialect's migrations folder, then adopt it (`invect_runtime::migrate::adopt_hand_written`) so the next migration starts from the schema it leads to", reasons.iter().map(|r| format!("  - {r}")).collect::<Vec<_>>().join("\n"))]
    MigrationRefused { reasons: Vec<String> },
    /// A migration file was applied and has been edited since.
    #[error("migration file `{}` (version {version}) was applied but has been edited since; nothing was applied. Restore the file as it was applied (e.g. `git checkout -- {}`) and put new changes in a new migration", file.display(), file.display())]
    MigrationModified {
        version: i64,
        file: std::path::PathBuf,
    },
    /// A migration failed half-way on MySQL (which commits DDL as it goes)
    /// and its history row marks it unfinished.
    #[error("migration file `{}` (version {version}) failed half-way on an earlier run and is marked unfinished in `invect_migrations`: MySQL commits each DDL statement as it goes, so the statements before the failing one were applied and the rest were not. Nothing was applied now. Fix what made it fail, then {}", file.display(), dirty_advice(.version))]
    MigrationDirty {
        version: i64,
        file: std::path::PathBuf,
    },
    /// A statement of a migration file failed; `advice` says what state that
    /// left and what to do.
    #[error("migration file `{}` (version {version}) failed: {source}; {advice}", file.display())]
    MigrationFailed {
        version: i64,
        file: std::path::PathBuf,
        source: sqlx::Error,
        advice: String,
    },
}

impl Error {
    /// The constraint a write broke, if that is what this error is.
    pub fn violation(&self) -> Option<&Violation> {
        match self {
            Error::Constraint(v) => Some(v),
            _ => None,
        }
    }

    /// This error as seen by a write to table `def`: a violation the server
    /// did not place gets the table's name, and the columns of its named key.
    pub(crate) fn in_table(self, def: &TableDef) -> Error {
        let Error::Constraint(mut v) = self else {
            return self;
        };
        if v.table.is_none() {
            v.table = Some(def.name.to_string());
        }
        if let (true, Some(name)) = (v.columns.is_empty(), v.constraint.as_deref()) {
            v.columns = constraint_columns(def, name);
        }
        Error::Constraint(v)
    }

    /// Whether a write broke a unique key (the primary key included).
    pub fn is_unique_violation(&self) -> bool {
        self.violation()
            .is_some_and(|v| v.kind == ConstraintKind::Unique)
    }
}

/// The columns of `def`'s constraint `name`, by the names Invect gives them
/// (MySQL calls every primary key `PRIMARY`).
fn constraint_columns(def: &TableDef, name: &str) -> Vec<String> {
    let owned = |cols: &[invect_schema::Name]| cols.iter().map(|c| c.to_string()).collect();
    if name == "PRIMARY" || name == format!("{}_pkey", def.name) {
        return owned(&def.primary_key);
    }
    if let Some(i) = def
        .effective_indexes()
        .iter()
        .find(|i| i.name(&def.name) == name)
    {
        return owned(&i.columns);
    }
    def.columns
        .iter()
        .filter(|c| foreign_key_name(&def.name, &c.name) == name)
        .map(|c| c.name.to_string())
        .collect()
}

/// Which kind of constraint a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// A primary or unique key: the value is taken.
    Unique,
    /// A foreign key: no such parent row, or the row is still referenced.
    ForeignKey,
    /// A NULL for a NOT NULL column.
    NotNull,
    /// A CHECK constraint.
    Check,
}

impl ConstraintKind {
    fn words(self) -> &'static str {
        match self {
            ConstraintKind::Unique => "unique key",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::NotNull => "NOT NULL constraint",
            ConstraintKind::Check => "CHECK constraint",
        }
    }
}

/// A write refused by a constraint: what kind, and as far as the server (or
/// the table's declaration) tells, on which table, named how, over which columns.
#[derive(Debug, thiserror::Error)]
#[error("{}{}{}{} refused the write: {message}", kind.words(),
    constraint.as_ref().map(|c| format!(" `{c}`")).unwrap_or_default(),
    table.as_ref().map(|t| format!(" of `{t}`")).unwrap_or_default(),
    if columns.is_empty() { String::new() } else { format!(" ({})", columns.join(", ")) })]
pub struct Violation {
    pub kind: ConstraintKind,
    pub table: Option<String>,
    pub constraint: Option<String>,
    pub columns: Vec<String>,
    /// The server's message (or, for a refusal Invect detects itself, its own).
    pub message: String,
    /// The server's error, when the server refused.
    #[source]
    pub source: Option<sqlx::Error>,
}

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    /// The database named in the connection string does not exist, or (MySQL)
    /// the connection string names none.
    MissingDatabase,
    /// The SQLite file or its folder cannot be created, opened or written.
    SqlitePath,
    /// TLS with the server failed: no TLS on the server, a certificate the
    /// CA file does not verify, an unreadable CA file; or a MySQL 8 login
    /// that needs TLS (or the `mysql-rsa` feature).
    Tls,
    /// At run time: every connection of the pool stayed in use for the whole
    /// acquire timeout, while the server was reachable.
    PoolExhausted,
    /// At run time: the connection broke off in the middle of a statement or
    /// transaction (the server stopped or the network failed).
    ConnectionLost,
    /// Anything else the driver reported.
    Other,
}

/// What went wrong with a credential or a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialProblem {
    /// No encryption key is configured.
    NoKey,
    /// A key is not base64 of exactly 32 bytes (or no randomness was available).
    InvalidKey,
    /// The row was encrypted with a key that is not configured.
    WrongKey,
    /// The ciphertext does not authenticate: altered, truncated or moved.
    Tampered,
    /// The stored value is not an envelope Invect can read.
    Malformed,
    /// No credential has that id.
    NotFound,
}

/// `, line L, column C` (or `, line L`, or nothing) for an error message.
fn position(line: &Option<usize>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(", line {l}, column {c}"),
        (Some(l), None) => format!(", line {l}"),
        _ => String::new(),
    }
}

/// How to get past a migration marked unfinished on MySQL.
pub(crate) fn dirty_advice(version: &i64) -> String {
    format!(
        "either run its remaining statements by hand and mark it done \
         (`UPDATE {MIGRATIONS_TABLE} SET success = TRUE WHERE version = {version}`), \
         or undo the statements that were applied and clear the mark \
         (`DELETE FROM {MIGRATIONS_TABLE} WHERE version = {version}`); then run migrate again"
    )
}

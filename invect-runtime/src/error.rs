//! The runtime's error type.

use invect_schema::SchemaErrors;

/// Everything that can go wrong in the runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database reported an error or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A value could not be bound as a query parameter.
    #[error("cannot bind a value for `{table}`: {source}")]
    Bind {
        table: &'static str,
        source: crate::value::BoxDynError,
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
        problem: crate::connect::ConnectProblem,
        message: String,
    },
    /// A configuration file (or string) cannot be read or parsed.
    #[error("config file `{file}`{}: {message}", crate::config::position(.line, .column))]
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
    /// A schema statement failed; in a transaction everything before it was rolled back.
    #[error("{source}\n  while running: {sql}")]
    Statement { sql: String, source: Box<Error> },
    /// Strict startup verification found the database lacking.
    #[error("{0}")]
    Verification(Box<crate::verify::VerifyReport>),
    /// A credential cannot be encrypted or decrypted, or a key is unusable.
    #[error("{}{message}", id.as_ref().map(|i| format!("credential `{i}`: ")).unwrap_or_default())]
    Credential {
        /// The credential concerned, when there is one.
        id: Option<String>,
        problem: crate::credentials::CredentialProblem,
        message: String,
    },
    /// The push/migration lock could not be taken.
    #[error("{0}")]
    Lock(String),
}

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! Why a command failed, in words, with what to do next.

use invect_runtime::{ConnectProblem, Error};

/// A failed command: the message for stderr and, when the message does not
/// already say it, what to do next.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Failure {
    /// A failure with `message` and no hint.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
        }
    }

    /// This failure with `hint` printed under the message.
    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }
}

/// Whether `e` is the connection to the server breaking off (the server
/// stopped, restarted or became unreachable) rather than the server refusing
/// a statement.
fn connection_lost(e: &Error) -> bool {
    match e {
        Error::Statement { source, .. } => connection_lost(source),
        Error::Database(sqlx::Error::Io(_) | sqlx::Error::Protocol(_)) => true,
        Error::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed) => true,
        Error::Unavailable { problem, .. } => *problem == ConnectProblem::ConnectionLost,
        Error::MigrationFailed { source, .. } => {
            matches!(source, sqlx::Error::Io(_) | sqlx::Error::Protocol(_))
        }
        _ => false,
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        if connection_lost(&e) {
            return Failure::new(format!(
                "the connection to the database was lost half-way (the server stopped or the network failed): {e}"
            ))
            .hint(
                "PostgreSQL and SQLite rolled back the transaction in progress, MySQL keeps the statements \
                 it committed; run the command again once the server is reachable: it completes what is missing",
            );
        }
        let hint = match &e {
            Error::Schema(_) => {
                Some("fix the table definitions named above (a plugin's, or the application's)")
            }
            Error::Database(_) => Some(
                "check that the database is reachable and that its user may do this, then run the command again",
            ),
            Error::Statement { .. } => Some(
                "on PostgreSQL and SQLite nothing was changed; on MySQL the steps before it stay and running the command again completes them",
            ),
            _ => None,
        };
        Failure {
            message: e.to_string(),
            hint: hint.map(str::to_string),
        }
    }
}

/// A command's result.
pub type Outcome = Result<(), Failure>;

//! Why a command failed, in words, with what to do next.

use crate::error::Error;

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

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
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

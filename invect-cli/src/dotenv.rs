//! The `.env` file (dotenvy): `DATABASE_URL` and `INVECT_*` may come from
//! it, as they do for sqlx-cli and diesel. Variables already set win.

use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// The variable whose source `info` reports.
const DATABASE_URL_VAR: &str = "DATABASE_URL";

/// The file looked for in the working directory and its parents.
pub const DOTENV_FILE: &str = ".env";

/// What a `.env` file gave.
#[derive(Debug, Clone, Default)]
pub struct DotEnv {
    /// The file read, if one was found.
    pub path: Option<PathBuf>,
    /// Whether `DATABASE_URL` came from it (it was not set before).
    pub gave_database_url: bool,
}

impl DotEnv {
    /// The file `DATABASE_URL` came from, if it did.
    pub fn database_url_file(&self) -> Option<&Path> {
        self.path.as_deref().filter(|_| self.gave_database_url)
    }
}

/// The nearest `.env`: in the working directory, else in a parent.
fn find() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join(DOTENV_FILE))
        .find(|p| p.is_file())
}

/// Reads the nearest `.env` into this process's environment. Call it before
/// any other thread starts: it sets environment variables.
pub fn load() -> Result<DotEnv, Failure> {
    let Some(path) = find() else {
        return Ok(DotEnv::default());
    };
    let had_url = std::env::var_os(DATABASE_URL_VAR).is_some();
    dotenvy::from_path(&path).map_err(|e| unreadable(&path, &e))?;
    tracing::info!(file = %path.display(), "read environment variables from .env");
    Ok(DotEnv {
        gave_database_url: !had_url && std::env::var_os(DATABASE_URL_VAR).is_some(),
        path: Some(path),
    })
}

/// Why `path` could not be read, without showing its values (a password).
fn unreadable(path: &Path, e: &dotenvy::Error) -> Failure {
    let what = match e {
        dotenvy::Error::LineParse(line, _) => {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            match text.lines().position(|l| l.trim() == line.trim()) {
                Some(n) => format!("line {} is not NAME=value", n + 1),
                None => "a line is not NAME=value".to_string(),
            }
        }
        dotenvy::Error::Io(io) => format!("it cannot be read ({io})"),
        _ => "it cannot be read as NAME=value lines".to_string(),
    };
    Failure::new(format!(
        "the environment file {} is not usable: {what}",
        path.display()
    ))
    .hint("fix the file, or pass --no-dotenv to ignore it")
}

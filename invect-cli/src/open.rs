//! Opening the database so that a command changes nothing on disk until it
//! really writes: a dry run, a refusal and a "no" at the prompt leave no
//! SQLite file behind, and reading never changes a file's journal mode.

use invect_runtime::{DatabaseConfig, DatabaseType, Invect, Plugin};

use crate::failure::Failure;
use crate::settings::Settings;

/// A database opened for reading, by a command that may write later.
#[derive(Debug)]
pub struct Opened {
    invect: Invect,
    /// Whether writing needs the database opened again (read-write, and a
    /// missing SQLite file created).
    reopen: bool,
}

impl Opened {
    /// Opens what `settings` name for planning: a SQLite file that does not
    /// exist yet is planned against an empty database in memory (the plan
    /// for an empty file), one not in WAL mode is opened read-only.
    pub async fn for_planning(
        settings: &Settings,
        plugins: Vec<Plugin>,
    ) -> Result<Opened, Failure> {
        let config = settings.database_config()?;
        let reading = match missing_sqlite_file(&config) {
            true => DatabaseConfig::new(DatabaseType::Sqlite, ":memory:", &config.id)
                .with_table_prefix(&config.table_prefix),
            false => config.for_reading(),
        };
        let reopen = reading != config;
        let invect = build(reading, plugins).await?;
        Ok(Opened { invect, reopen })
    }

    /// The database as opened for reading.
    pub fn invect(&self) -> &Invect {
        &self.invect
    }

    /// The database opened for writing, once the command is sure to write:
    /// the same one, or (SQLite) the file opened read-write, created if missing.
    pub async fn for_writing(self, settings: &Settings) -> Result<Invect, Failure> {
        if !self.reopen {
            return Ok(self.invect);
        }
        let plugins = self.invect.plugins().to_vec();
        self.invect.db().close().await;
        build(settings.database_config()?, plugins).await
    }

    /// Closes the database.
    pub async fn close(self) {
        self.invect.db().close().await;
    }
}

/// Opens what `settings` name for a command that only reads: a missing
/// SQLite file is an error (never created), one not in WAL mode is opened
/// read-only so that its bytes and journal mode stay as they are.
pub async fn for_reading(settings: &Settings, plugins: Vec<Plugin>) -> Result<Invect, Failure> {
    let config = settings.database_config()?;
    require_existing_sqlite_file(&config)?;
    build(config.for_reading(), plugins).await
}

/// Whether `config` names a SQLite file that is not there.
fn missing_sqlite_file(config: &DatabaseConfig) -> bool {
    // A mismatched type is reported by connecting.
    config.r#type == DatabaseType::Sqlite && config.sqlite_file().is_some_and(|p| !p.exists())
}

/// Read-only commands never create a SQLite file: a missing one is an error.
pub fn require_existing_sqlite_file(config: &DatabaseConfig) -> Result<(), Failure> {
    match config.sqlite_file() {
        Some(path) if missing_sqlite_file(config) => Err(Failure::new(format!(
            "database `{}`: there is no SQLite database at `{}`",
            config.id,
            path.display()
        ))
        .hint("check the path, or create the database with `invect-cli migrate --push` (or `invect-cli migrate`)")),
        _ => Ok(()),
    }
}

/// Merges the schema and opens the database (no startup check: the commands
/// do their own).
async fn build(config: DatabaseConfig, plugins: Vec<Plugin>) -> Result<Invect, Failure> {
    tracing::info!(
        database = %config.id,
        url = %invect_runtime::redact_connection_string(&config.connection_string),
        "opening the database"
    );
    let mut builder = Invect::builder().base_database_config(config);
    for p in plugins {
        builder = builder.plugin(p);
    }
    Ok(builder.build().await?)
}

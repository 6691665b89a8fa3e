//! The files of one dialect folder applied by sqlx's [`Migrator`] under the
//! database's lock: the history checked first, leftovers of an interrupted
//! online index build cleared, failures worded with what stayed applied.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use invect_schema::DialectKind;
use sqlx::migrate::{AppliedMigration, Migrate, MigrateError, Migrator};
use sqlx::postgres::{PgDatabaseError, PgErrorPosition};

use super::{MIGRATIONS_TABLE, resume};
use crate::driver::{Conn, Kept, driver};
use crate::error::{Error, Result};

/// Runs `work` under the database's lock, the one push takes too: a session
/// lock, with each statement waiting at most `lock_timeout` for a table's
/// lock; SQLite, which has none, one write transaction.
pub(super) async fn locked<T>(
    conn: &mut Conn,
    lock_timeout: std::time::Duration,
    work: impl AsyncFnOnce(&mut Conn) -> Result<T>,
) -> Result<T> {
    if !conn.lock_session().await? {
        conn.begin_write().await?;
        let result = work(conn).await;
        return conn.end_locked(result).await;
    }
    let bound = conn.driver().lock_timeout_sql(lock_timeout);
    let result = match &bound {
        Some((set, _)) => conn.execute(set).await,
        None => Ok(()),
    };
    let result = match result {
        Ok(()) => work(conn).await,
        Err(e) => Err(e),
    };
    if let Some((_, reset)) = &bound
        && let Err(e) = conn.execute(reset).await
    {
        // Never hand a bounded session back to the pool.
        conn.close_on_drop();
        tracing::warn!("could not reset the lock timeout: {e}");
    }
    conn.unlock_session(result).await
}

/// The files of one dialect folder and sqlx's migrator over them.
pub(super) struct Run {
    pub(super) migrator: Migrator,
    pub(super) files: BTreeMap<i64, PathBuf>,
    pub(super) dir: PathBuf,
    pub(super) kind: DialectKind,
}

impl Run {
    /// The applied migrations, once checked: none unfinished, each file
    /// still there and unchanged.
    pub(super) async fn checked_history<C: Migrate>(
        &self,
        conn: &mut C,
    ) -> Result<Vec<AppliedMigration>> {
        let table = MIGRATIONS_TABLE;
        conn.ensure_migrations_table(table)
            .await
            .map_err(|e| self.error(e))?;
        if let Some(v) = conn.dirty_version(table).await.map_err(|e| self.error(e))? {
            return Err(self.error(MigrateError::Dirty(v)));
        }
        let applied = conn
            .list_applied_migrations(table)
            .await
            .map_err(|e| self.error(e))?;
        self.check_applied(&applied)?;
        Ok(applied)
    }

    /// Checks the history, then applies what is not in it yet.
    pub(super) async fn pending(&self, conn: &mut Conn) -> Result<Vec<i64>> {
        let applied = self.checked_history(conn).await?;
        let done: BTreeSet<i64> = applied.iter().map(|a| a.version).collect();
        let pending: Vec<i64> = self
            .migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !done.contains(&m.version))
            .map(|m| m.version)
            .collect();
        if pending.is_empty() {
            return Ok(pending);
        }
        self.drop_interrupted_indexes(conn, &pending).await?;
        if let Err(e) = self.migrator.run_direct(None, conn, false).await {
            return Err(self.failed(conn, e).await);
        }
        Ok(pending)
    }

    /// Drops each INVALID index (PostgreSQL) that a pending file builds
    /// `CONCURRENTLY`: what that file's failed or interrupted run left,
    /// which would make it fail with "already exists" again. Nothing else
    /// is touched: only an unusable index of the very name and table.
    async fn drop_interrupted_indexes(&self, conn: &mut Conn, pending: &[i64]) -> Result<()> {
        let Some(sql) = conn.driver().invalid_indexes_sql() else {
            return Ok(());
        };
        let builds: Vec<&str> = self
            .migrator
            .iter()
            .filter(|m| m.no_tx && pending.contains(&m.version))
            .map(|m| m.sql.as_str())
            .filter(|sql| sql.contains(" CONCURRENTLY "))
            .collect();
        if builds.is_empty() {
            return Ok(());
        }
        let d = self.kind.dialect();
        for (table, index) in conn.string_pairs(sql).await? {
            let built = format!(
                "INDEX CONCURRENTLY {} ON {}",
                d.quote(&index),
                d.quote(&table)
            );
            if builds.iter().any(|sql| sql.contains(&built)) {
                tracing::info!(
                    index,
                    table,
                    "dropping the INVALID index an interrupted build left"
                );
                conn.execute(&d.drop_index_online(&table, &index)).await?;
            }
        }
        Ok(())
    }

    /// The error of a failed run; on MySQL it says whether the failing file
    /// was left half-applied (marked unfinished) or not applied at all.
    async fn failed<C: Migrate>(&self, conn: &mut C, e: MigrateError) -> Error {
        let MigrateError::ExecuteMigration(source, version) = e else {
            return self.error(e);
        };
        let driver = driver(self.kind);
        let advice = driver.migration_failure_advice(version, self.kept(conn, version).await);
        Error::MigrationFailed {
            version,
            file: self.file(version),
            advice: format!("{}{advice}", self.position(version, &source)),
            source,
        }
    }

    /// What of failed migration `version` stayed applied: only where DDL
    /// commits as it goes can a file be left half applied.
    async fn kept<C: Migrate>(&self, conn: &mut C, version: i64) -> Kept {
        if driver(self.kind).transactional_ddl() {
            let no_tx = self
                .migrator
                .iter()
                .any(|m| m.version == version && m.no_tx);
            return if no_tx {
                Kept::OutsideTransaction
            } else {
                Kept::Nothing
            };
        }
        let dirty = conn.dirty_version(MIGRATIONS_TABLE).await.ok().flatten();
        if dirty != Some(version) {
            Kept::Nothing
        } else if matches!(resume::written_by_invect(self, version), Ok(Some(_))) {
            Kept::PartOfGenerated
        } else {
            Kept::PartOfHandWritten
        }
    }

    /// Every applied migration must still have its file, unchanged.
    fn check_applied(&self, applied: &[AppliedMigration]) -> Result<()> {
        for a in applied {
            let file = self
                .migrator
                .iter()
                .find(|m| m.version == a.version && !m.migration_type.is_down_migration());
            match file {
                None => return Err(missing_file(&self.dir, a.version)),
                Some(m) if m.checksum != a.checksum => {
                    return Err(self.error(MigrateError::VersionMismatch(a.version)));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Where in the file the error is, when the driver says (PostgreSQL
    /// gives the character offset into the file's text; the "at line" in its
    /// message is a line of the server's own source code); empty otherwise.
    fn position(&self, version: i64, source: &sqlx::Error) -> String {
        let offset = source
            .as_database_error()
            .and_then(|e| e.try_downcast_ref::<PgDatabaseError>())
            .and_then(|e| match e.position() {
                Some(PgErrorPosition::Original(offset)) => Some(offset),
                _ => None,
            });
        let text = self
            .files
            .get(&version)
            .and_then(|path| fs::read_to_string(path).ok());
        let (Some(offset), Some(text)) = (offset, text) else {
            return String::new();
        };
        let before: String = text.chars().take(offset.saturating_sub(1)).collect();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("the error is at line {line}, column {column} of the file; ")
    }

    /// The file of `version`, or the pattern it would match.
    pub(super) fn file(&self, version: i64) -> PathBuf {
        self.files
            .get(&version)
            .cloned()
            .unwrap_or_else(|| self.dir.join(format!("{version}_*.sql")))
    }

    /// sqlx's error in Invect's words, naming the file concerned.
    pub(super) fn error(&self, e: MigrateError) -> Error {
        match e {
            MigrateError::VersionMismatch(version) => Error::MigrationModified {
                version,
                file: self.file(version),
            },
            MigrateError::Dirty(version) => Error::MigrationDirty {
                version,
                file: self.file(version),
            },
            MigrateError::VersionMissing(version) => missing_file(&self.dir, version),
            MigrateError::ExecuteMigration(source, version) => Error::MigrationFailed {
                version,
                file: self.file(version),
                advice: format!(
                    "{}{}",
                    self.position(version, &source),
                    driver(self.kind).migration_failure_advice(version, Kept::Nothing)
                ),
                source,
            },
            MigrateError::Execute(e) => Error::Database(e),
            other => Error::MigrationFiles {
                path: self.dir.clone(),
                message: format!("{other}; fix the files, then run migrate again"),
            },
        }
    }
}

/// `migrator` with each file's SQL replaced by a no-op and its checksum
/// kept, so that running it records the files as applied, nothing more.
/// (sqlx's `Migrator`/`Migration` fields are public for its `migrate!`
/// macro; `run_direct` already ties this module to sqlx 0.9.)
pub(super) fn without_sql(mut migrator: Migrator) -> Migrator {
    let recorded: Vec<_> = migrator
        .migrations
        .iter()
        .cloned()
        .map(|mut m| {
            m.sql = sqlx::SqlStr::from_static("SELECT 1");
            m
        })
        .collect();
    migrator.migrations = recorded.into();
    migrator
}

/// sqlx's migrator over `dir`, recording in [`MIGRATIONS_TABLE`]; Invect
/// takes the database's lock itself (the one push takes) and checks the
/// history under it first.
pub(super) async fn resolve(dir: &Path) -> Result<Migrator> {
    let mut migrator = Migrator::new(dir)
        .await
        .map_err(|e| Error::MigrationFiles {
            path: dir.to_path_buf(),
            message: format!("{e}; fix or remove the file it names"),
        })?;
    migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
    migrator.set_locking(false);
    Ok(migrator)
}

pub(super) fn missing_file(dir: &Path, version: i64) -> Error {
    Error::MigrationFiles {
        path: dir.to_path_buf(),
        message: format!(
            "migration {version} was applied (it is in `{MIGRATIONS_TABLE}`) but no file \
             `{version}_<name>.sql` is here; restore it (e.g. from version control) and run migrate again"
        ),
    }
}

//! Production migrations (`invect-cli migrate`): SQL files in
//! `migrations/<dialect>/<version>_<name>.sql`, written from the difference
//! between the declared schema and a snapshot of the schema the files lead
//! to, and applied by sqlx's [`Migrator`] with Invect's own history table
//! ([`MIGRATIONS_TABLE`]), so it never mixes with an application's own sqlx
//! migrations.
//!
//! The snapshot of each written migration is `snapshots/<version>.json` in
//! the dialect's folder; sqlx's migrator skips folders, so it never reads it.
//!
//! ```no_run
//! use std::path::Path;
//! use invect_runtime::{Db, merged_schema, migrate};
//!
//! # async fn demo() -> invect_runtime::Result<()> {
//! let db = Db::connect("sqlite://dev.db").await?;
//! let schema = merged_schema(&[], "")?;
//! let root = Path::new("migrations");
//! if let Some(new) = migrate::write_pending(root, db.kind(), &schema, "", "schema", false)? {
//!     println!("wrote {}", new.path.display());
//! }
//! let applied = migrate::apply(&db, root).await?;
//! println!("applied {applied:?}");
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use invect_schema::{DialectKind, Schema, diff_schemas};
use serde::{Deserialize, Serialize};
use sqlx::migrate::{AppliedMigration, Migrate, MigrateError, Migrator};
use sqlx::postgres::{PgDatabaseError, PgErrorPosition};

mod files;
mod resume;

use crate::db::Db;
use crate::driver::{Kept, driver};
use crate::error::{Error, Result};
use files::{
    description, file_name, io_error, latest_snapshot, migration_files, migration_name,
    migration_sql, next_version, read_snapshot, snapshot_path, snapshot_versions, write_files,
    write_snapshot,
};

/// The table in which sqlx's migrator records Invect's applied migrations.
pub use invect_schema::meta::MIGRATIONS_TABLE;

/// The folder, inside a dialect's folder, holding one snapshot per migration.
pub const SNAPSHOT_DIR: &str = "snapshots";

/// The folder of one dialect's files, `<root>/<dialect>/` (`sqlite`,
/// `postgres`, `mysql`), `root` being the migrations folder (`migrations`
/// by default, `migrationsDir` in invect.toml).
pub fn dialect_dir(root: &Path, kind: DialectKind) -> PathBuf {
    root.join(kind.as_str())
}

/// A migration file written (or, on a dry run, that would be written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMigration {
    /// The version: a UTC timestamp `yyyymmddhhmmss`.
    pub version: i64,
    /// The name part of the file name (`add_audit_logs`).
    pub name: String,
    /// `migrations/<dialect>/<version>_<name>.sql`.
    pub path: PathBuf,
    /// The file's content.
    pub sql: String,
}

/// One migration file and whether the database has applied it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub version: i64,
    /// The name part of the file name, `_` read as spaces (as sqlx does).
    pub description: String,
    pub applied: bool,
}

/// What a snapshot file holds: the schema the migrations up to `version` lead to.
#[derive(Debug, Serialize, Deserialize)]
struct Snapshot {
    pub(super) version: i64,
    pub(super) dialect: DialectKind,
    pub(super) prefix: String,
    pub(super) schema: Schema,
}

/// Diffs `schema` (already prefixed, as [`merged_schema`](crate::merged_schema)
/// returns it) against the snapshot of the latest migration in
/// [`dialect_dir`], and writes `<version>_<name>.sql` plus its snapshot when
/// something changed. `Ok(None)` when nothing changed; `dry_run` computes
/// the migration and writes nothing. Non-additive changes give
/// [`Error::MigrationRefused`] and write nothing.
pub fn write_pending(
    root: &Path,
    kind: DialectKind,
    schema: &Schema,
    prefix: &str,
    name: &str,
    dry_run: bool,
) -> Result<Option<NewMigration>> {
    let dir = dialect_dir(root, kind);
    let name = migration_name(&dir, name)?;
    let files = migration_files(&dir)?;
    let base = latest_snapshot(&dir, &files, kind, prefix)?;
    let old = base.as_ref().map(|s| s.schema.clone()).unwrap_or_default();
    let statements = diff_schemas(kind.dialect(), &old, schema, prefix)
        .map_err(|reasons| Error::MigrationRefused { reasons })?;
    if statements.is_empty() {
        return Ok(None);
    }
    let last = files.keys().last().copied().max(base.map(|s| s.version));
    let version = next_version(last);
    let migration = NewMigration {
        version,
        path: dir.join(format!("{version}_{name}.sql")),
        sql: migration_sql(kind, version, &name, &statements),
        name,
    };
    if !dry_run {
        let snapshot = Snapshot {
            version,
            dialect: kind,
            prefix: prefix.to_string(),
            schema: schema.clone(),
        };
        write_files(&dir, &migration, &snapshot)?;
    }
    Ok(Some(migration))
}

/// Records that the newest migration file, written by hand (it has no
/// snapshot), takes the database to `schema`: writes that file's snapshot,
/// so the next [`write_pending`] diffs from there. This is the way past
/// [`Error::MigrationRefused`]: change the declarations, write the migration
/// by hand as a newer `<version>_<name>.sql`, then adopt it. Returns the
/// version adopted; `Ok(None)` when the newest file already has a snapshot.
pub fn adopt_hand_written(
    root: &Path,
    kind: DialectKind,
    schema: &Schema,
    prefix: &str,
) -> Result<Option<i64>> {
    let dir = dialect_dir(root, kind);
    let files = migration_files(&dir)?;
    let Some(&version) = files.keys().last() else {
        return Ok(None);
    };
    if snapshot_versions(&dir)?.contains(&version) {
        return Ok(None);
    }
    let snapshot = Snapshot {
        version,
        dialect: kind,
        prefix: prefix.to_string(),
        schema: schema.clone(),
    };
    write_snapshot(&dir, &snapshot)?;
    Ok(Some(version))
}

/// Every migration file of `db`'s dialect and whether it is applied, read
/// from [`MIGRATIONS_TABLE`] (a missing table means nothing is applied).
/// Read-only: creates, locks and writes nothing.
pub async fn status(db: &Db, root: &Path) -> Result<Vec<MigrationState>> {
    let files = migration_files(&dialect_dir(root, db.kind()))?;
    let applied = applied_versions(db).await?;
    Ok(files
        .iter()
        .map(|(version, path)| MigrationState {
            version: *version,
            description: description(path),
            applied: applied.contains(version),
        })
        .collect())
}

/// Applies every pending file of `db`'s dialect in version order with sqlx's
/// [`Migrator`] (history in [`MIGRATIONS_TABLE`]), under the database's lock,
/// the one [`push`](crate::push) takes too, so concurrent pushes and
/// migrations wait for each other (PostgreSQL: an advisory lock keyed on the
/// database name; MySQL: `GET_LOCK`; SQLite: one immediate transaction).
/// Returns the versions applied.
///
/// Checked first, before anything runs: an applied file edited since gives
/// [`Error::MigrationModified`]; an applied file that is gone gives
/// [`Error::MigrationFiles`]. A migration left unfinished on MySQL (whose
/// DDL commits as it goes: the process was killed, the server went away, a
/// statement failed) is completed when Invect wrote the file and nobody
/// edited it: what its snapshot has and the database lacks is added as
/// push would, and it is marked done (its version comes first in the result).
/// A hand-written or edited one gives [`Error::MigrationDirty`].
pub async fn apply(db: &Db, root: &Path) -> Result<Vec<i64>> {
    run_pending(db, root, false).await
}

/// Records every pending file of `db`'s dialect in [`MIGRATIONS_TABLE`] as
/// applied *without running it*, with the same checks and lock as
/// [`apply`]: for a database that already has the schema the files lead to
/// (made by push, or by `generate`'s DDL), so that later files apply on top.
/// The caller checks first that the database is up to date (the CLI's
/// `migrate --baseline` refuses otherwise). Returns the versions recorded.
pub async fn baseline(db: &Db, root: &Path) -> Result<Vec<i64>> {
    run_pending(db, root, true).await
}

async fn run_pending(db: &Db, root: &Path, record_only: bool) -> Result<Vec<i64>> {
    let dir = dialect_dir(root, db.kind());
    let files = migration_files(&dir)?;
    if files.is_empty() {
        let applied = applied_versions(db).await?;
        return match applied.first() {
            Some(v) => Err(missing_file(&dir, *v)),
            None => Ok(Vec::new()),
        };
    }
    let mut migrator = resolve(&dir).await?;
    if record_only {
        migrator = without_sql(migrator);
    }
    let run = Run {
        migrator,
        files,
        dir,
        kind: db.kind(),
    };
    let mut conn = db.acquire().await?;
    if conn.lock_session().await? {
        let result = if conn.driver().transactional_ddl() {
            run.pending(&mut conn).await
        } else {
            resume::pending(&run, &mut conn).await
        };
        conn.unlock_session(result).await
    } else {
        // No session lock (SQLite): one write transaction is the lock.
        conn.begin_write().await?;
        let result = run.pending(&mut conn).await;
        conn.end_locked(result).await
    }
}

/// The files of one dialect folder and sqlx's migrator over them.
struct Run {
    migrator: Migrator,
    files: BTreeMap<i64, PathBuf>,
    dir: PathBuf,
    kind: DialectKind,
}

impl Run {
    /// Checks the history, then applies what is not in it yet.
    async fn pending<C: Migrate>(&self, conn: &mut C) -> Result<Vec<i64>> {
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
        if let Err(e) = self.migrator.run_direct(None, conn, false).await {
            return Err(self.failed(conn, e).await);
        }
        Ok(pending)
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
            return Kept::Nothing;
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
    fn file(&self, version: i64) -> PathBuf {
        self.files
            .get(&version)
            .cloned()
            .unwrap_or_else(|| self.dir.join(format!("{version}_*.sql")))
    }

    /// sqlx's error in Invect's words, naming the file concerned.
    fn error(&self, e: MigrateError) -> Error {
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
fn without_sql(mut migrator: Migrator) -> Migrator {
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
async fn resolve(dir: &Path) -> Result<Migrator> {
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

fn missing_file(dir: &Path, version: i64) -> Error {
    Error::MigrationFiles {
        path: dir.to_path_buf(),
        message: format!(
            "migration {version} was applied (it is in `{MIGRATIONS_TABLE}`) but no file \
             `{version}_<name>.sql` is here; restore it (e.g. from version control) and run migrate again"
        ),
    }
}

/// Whether [`MIGRATIONS_TABLE`] records any migration, finished or not
/// (a MySQL migration that failed half-way is history too). Read-only.
pub async fn has_history(db: &Db) -> Result<bool> {
    Ok(!recorded_versions(db, false).await?.is_empty())
}

/// Versions recorded as applied; empty when the table does not exist.
async fn applied_versions(db: &Db) -> Result<Vec<i64>> {
    recorded_versions(db, true).await
}

/// Versions in the history, only finished ones or all; empty when the table
/// does not exist.
async fn recorded_versions(db: &Db, finished_only: bool) -> Result<Vec<i64>> {
    let select = if finished_only {
        "SELECT version FROM invect_migrations WHERE success ORDER BY version"
    } else {
        "SELECT version FROM invect_migrations ORDER BY version"
    };
    let mut conn = db.acquire().await?;
    let exists = conn.driver().count_tables_sql(MIGRATIONS_TABLE);
    if conn.int(&exists).await? == Some(0) {
        return Ok(Vec::new());
    }
    conn.ints(select).await
}

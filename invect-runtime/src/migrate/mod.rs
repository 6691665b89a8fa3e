//! Production migrations (`invect-cli migrate`): SQL files in
//! `migrations/<dialect>/`, written from the difference between the
//! declared schema and a snapshot of the schema the files lead to, and
//! applied by sqlx's [`Migrator`] with Invect's own history table
//! ([`MIGRATIONS_TABLE`]), so it never mixes with an application's own sqlx
//! migrations. Each written migration is reversible in sqlx's layout:
//! `<version>_<name>.up.sql` and `<version>_<name>.down.sql` ([`revert`]
//! runs the down files); files written by hand as `<version>_<name>.sql` apply too.
//!
//! On PostgreSQL one change can take several files: enum values added
//! first (committed before anything uses them), then the rest in one
//! transaction, then each index on an existing table built `CONCURRENTLY`
//! in a `-- no-transaction` file of its own.
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

use std::path::{Path, PathBuf};

pub use invect_schema::DiffOptions;
use invect_schema::{DataCheck, DialectKind, Schema};
use serde::{Deserialize, Serialize};

mod files;
mod render;
mod resume;
mod revert;
mod run;

use crate::db::Db;
use crate::driver::Conn;
use crate::error::Result;
use files::{
    description, io_error, latest_snapshot, migration_files, migration_name, next_version,
    read_snapshot, snapshot_path, snapshot_versions, write_files, write_snapshot,
};
pub use revert::{revert, revert_with_lock_timeout};
use run::{Run, locked, missing_file, resolve, without_sql};

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
    /// `migrations/<dialect>/<version>_<name>.up.sql`.
    pub path: PathBuf,
    /// The file's content.
    pub sql: String,
    /// `migrations/<dialect>/<version>_<name>.down.sql`, its reverse.
    pub down_path: Option<PathBuf>,
    pub down_sql: Option<String>,
}

/// What one `migrate` run writes: its files in version order, and what the
/// caller must look at before applying them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub files: Vec<NewMigration>,
    /// What the drops lose: `(what, SELECT COUNT(*) of its rows or values)`;
    /// see [`count_losses`].
    pub losses: Vec<(String, String)>,
    /// Rows that must not exist for the narrowing changes; see [`check_data`].
    pub checks: Vec<DataCheck>,
    /// Tables and columns no longer declared but kept, in words.
    pub kept: Vec<String>,
}

impl Changes {
    /// Whether there is no file to write (only things kept, in words).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file holding the main statements (the one after any enum file).
    pub fn main(&self) -> Option<&NewMigration> {
        self.files
            .iter()
            .find(|f| !f.name.ends_with(render::ENUM_SUFFIX))
            .or(self.files.first())
    }
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
    /// The options the migration was written with.
    #[serde(default, skip_serializing_if = "is_default")]
    pub(super) options: DiffOptions,
}

fn is_default(o: &DiffOptions) -> bool {
    *o == DiffOptions::default()
}

/// Diffs `schema` (already prefixed, as [`merged_schema`](crate::merged_schema)
/// returns it) against the snapshot of the latest migration in
/// [`dialect_dir`], and writes the migration plus its snapshot when
/// something changed, additive and automatic changes only. `Ok(None)` when
/// nothing changed; `dry_run` computes the migration and writes nothing.
/// Returns the main file; [`write_changes`] returns every file and takes
/// the options for drops and narrowing changes.
pub fn write_pending(
    root: &Path,
    kind: DialectKind,
    schema: &Schema,
    prefix: &str,
    name: &str,
    dry_run: bool,
) -> Result<Option<NewMigration>> {
    let changes = write_changes(
        root,
        kind,
        schema,
        prefix,
        name,
        DiffOptions::default(),
        dry_run,
    )?;
    Ok(changes.and_then(|c| c.main().cloned()))
}

/// Like [`write_pending`], with `options` allowing drops and narrowing
/// changes. `Some` with no files when the only change is something no
/// longer declared and kept (see [`Changes::kept`]). Changes it cannot write give [`Error::MigrationRefused`] and
/// write nothing. Before applying, the caller looks at what drops lose
/// ([`count_losses`]) and whether narrowing changes would meet rows they
/// refuse ([`check_data`]), on the database they are for.
pub fn write_changes(
    root: &Path,
    kind: DialectKind,
    schema: &Schema,
    prefix: &str,
    name: &str,
    options: DiffOptions,
    dry_run: bool,
) -> Result<Option<Changes>> {
    let dir = dialect_dir(root, kind);
    let name = migration_name(&dir, name)?;
    let files = migration_files(&dir)?;
    let base = latest_snapshot(&dir, &files, kind, prefix)?;
    let old = base.as_ref().map(|s| s.schema.clone()).unwrap_or_default();
    let last = files.keys().last().copied().max(base.map(|s| s.version));
    let Some(run) = render::plan(kind, &old, schema, prefix, options)? else {
        return Ok(None);
    };
    let written = run.files(&dir, next_version(last), &name);
    if !dry_run {
        for file in &written {
            let snapshot = Snapshot {
                version: file.version,
                dialect: kind,
                prefix: prefix.to_string(),
                schema: run.plan.target.clone(),
                options,
            };
            write_files(&dir, file, &snapshot)?;
        }
    }
    Ok(Some(Changes {
        files: written,
        losses: run.plan.losses,
        checks: run.plan.checks,
        kept: run.plan.kept,
    }))
}

/// Writes an empty reversible migration, `<version>_<name>.up.sql` and
/// `.down.sql`, for the user to fill in, with the snapshot of `schema`: the
/// way to a change Invect does not write (change the declarations, then
/// `invect-cli migrate --new NAME`, then write the SQL of both files).
pub fn new_empty(
    root: &Path,
    kind: DialectKind,
    schema: &Schema,
    prefix: &str,
    name: &str,
) -> Result<NewMigration> {
    let dir = dialect_dir(root, kind);
    let name = migration_name(&dir, name)?;
    let files = migration_files(&dir)?;
    let last = files
        .keys()
        .last()
        .copied()
        .max(snapshot_versions(&dir)?.last().copied());
    let file = render::empty(&dir, kind, next_version(last), &name);
    let snapshot = Snapshot {
        version: file.version,
        dialect: kind,
        prefix: prefix.to_string(),
        schema: schema.clone(),
        options: DiffOptions::default(),
    };
    write_files(&dir, &file, &snapshot)?;
    Ok(file)
}

/// How many rows or values each drop of `changes` loses on `db` (read-only).
pub async fn count_losses(db: &Db, changes: &Changes) -> Result<Vec<(String, i64)>> {
    let mut conn = db.acquire().await?;
    let mut out = Vec::new();
    for (what, sql) in &changes.losses {
        out.push((what.clone(), conn.int(sql).await?.unwrap_or(0)));
    }
    Ok(out)
}

/// The narrowing changes of `changes` that rows of `db` would refuse, each
/// with how many rows; empty when every check passes (read-only).
pub async fn check_data(db: &Db, changes: &Changes) -> Result<Vec<(DataCheck, i64)>> {
    let mut conn = db.acquire().await?;
    let mut out = Vec::new();
    for check in &changes.checks {
        let n = conn.int(&check.count_sql).await?.unwrap_or(0);
        if n > 0 {
            out.push((check.clone(), n));
        }
    }
    Ok(out)
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
        options: DiffOptions::default(),
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
/// A hand-written or edited one gives [`Error::MigrationDirty`]. On
/// PostgreSQL, an INVALID index that a failed or killed `CREATE INDEX
/// CONCURRENTLY` of a pending file left is dropped before that file runs again.
pub async fn apply(db: &Db, root: &Path) -> Result<Vec<i64>> {
    apply_with_lock_timeout(db, root, DEFAULT_LOCK_TIMEOUT).await
}

/// How long a migration's statement waits for a lock on a table before it
/// fails (PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout`), so that a
/// migration stuck behind a long query fails fast instead of making every
/// writer queue behind it. SQLite waits for its write lock as it always does.
pub const DEFAULT_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// [`apply`] with another lock timeout than [`DEFAULT_LOCK_TIMEOUT`]
/// (`invect-cli migrate --lock-timeout-ms`).
pub async fn apply_with_lock_timeout(
    db: &Db,
    root: &Path,
    lock_timeout: std::time::Duration,
) -> Result<Vec<i64>> {
    run_pending(db, root, false, lock_timeout).await
}

/// Records every pending file of `db`'s dialect in [`MIGRATIONS_TABLE`] as
/// applied *without running it*, with the same checks and lock as
/// [`apply`]: for a database that already has the schema the files lead to
/// (made by push, or by `generate`'s DDL), so that later files apply on top.
/// The caller checks first that the database is up to date (the CLI's
/// `migrate --baseline` refuses otherwise). Returns the versions recorded.
pub async fn baseline(db: &Db, root: &Path) -> Result<Vec<i64>> {
    run_pending(db, root, true, DEFAULT_LOCK_TIMEOUT).await
}

async fn run_pending(
    db: &Db,
    root: &Path,
    record_only: bool,
    lock_timeout: std::time::Duration,
) -> Result<Vec<i64>> {
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
    locked(&mut conn, lock_timeout, async |conn: &mut Conn| {
        if conn.driver().transactional_ddl() {
            run.pending(conn).await
        } else {
            resume::pending(&run, conn).await
        }
    })
    .await
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

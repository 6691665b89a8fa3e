//! `migrate --revert N`: the down files of the last N applied migrations,
//! newest first, through sqlx's migrator, under the database's lock.

use std::path::Path;

use sqlx::migrate::Migrate;

use super::files::{down_files, migration_files};
use super::{DEFAULT_LOCK_TIMEOUT, MIGRATIONS_TABLE, Run, dialect_dir, locked, resolve};
use crate::db::Db;
use crate::driver::Conn;
use crate::error::{Error, Result};

/// Undoes the last `count` applied migrations of `db`'s dialect, newest
/// first, each by its `<version>_<name>.down.sql` (in one transaction where
/// the file allows). Checked first, before anything runs: applied files
/// unchanged, and every one to undo has a down file (a hand-written
/// `<version>_<name>.sql` has none). Each statement waits at most
/// [`DEFAULT_LOCK_TIMEOUT`] for a table's lock, as [`apply`](super::apply)'s
/// do. Returns the versions reverted.
pub async fn revert(db: &Db, root: &Path, count: usize) -> Result<Vec<i64>> {
    revert_with_lock_timeout(db, root, count, DEFAULT_LOCK_TIMEOUT).await
}

/// [`revert`] with another lock timeout than [`DEFAULT_LOCK_TIMEOUT`]
/// (`invect-cli migrate --revert N --lock-timeout-ms MS`).
pub async fn revert_with_lock_timeout(
    db: &Db,
    root: &Path,
    count: usize,
    lock_timeout: std::time::Duration,
) -> Result<Vec<i64>> {
    let dir = dialect_dir(root, db.kind());
    let run = Run {
        migrator: resolve(&dir).await?,
        files: migration_files(&dir)?,
        dir,
        kind: db.kind(),
    };
    let mut conn = db.acquire().await?;
    locked(&mut conn, lock_timeout, async |conn: &mut Conn| {
        run.revert(conn, count).await
    })
    .await
}

impl Run {
    async fn revert<C: Migrate>(&self, conn: &mut C, count: usize) -> Result<Vec<i64>> {
        let applied = self.checked_history(conn).await?;
        let mut versions: Vec<i64> = applied.iter().map(|a| a.version).collect();
        versions.sort_unstable_by(|a, b| b.cmp(a));
        versions.truncate(count);
        let downs = down_files(&self.dir)?;
        let mut steps = Vec::new();
        for v in &versions {
            let down = self
                .migrator
                .iter()
                .find(|m| m.version == *v && m.migration_type.is_down_migration());
            match down {
                Some(m) if downs.contains_key(v) => steps.push(m),
                _ => return Err(self.no_down_file(*v)),
            }
        }
        for m in steps {
            conn.revert(MIGRATIONS_TABLE, m)
                .await
                .map_err(|e| self.error(e))?;
        }
        Ok(versions)
    }

    fn no_down_file(&self, version: i64) -> Error {
        Error::MigrationFiles {
            path: self.file(version),
            message: format!(
                "migration {version} has no down file (`{version}_<name>.down.sql`), so it cannot be \
                 reverted; write one, or revert fewer migrations; nothing was reverted"
            ),
        }
    }
}

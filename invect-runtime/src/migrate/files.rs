//! The migrations folder on disk: `<version>_<name>.sql` files, their
//! snapshots in `snapshots/<version>.json`, and writing both atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Timelike, Utc};
use invect_schema::DialectKind;

use super::{MIGRATIONS_TABLE, NewMigration, SNAPSHOT_DIR, Snapshot};
use crate::error::{Error, Result};

/// The up file of each version (`<version>_<name>.sql`, or `.up.sql` for a
/// reversible one), named as sqlx reads them; an absent folder has none.
pub(super) fn migration_files(dir: &Path) -> Result<BTreeMap<i64, PathBuf>> {
    files_of(dir, Direction::Up)
}

/// The `<version>_<name>.down.sql` file of each reversible version.
pub(super) fn down_files(dir: &Path) -> Result<BTreeMap<i64, PathBuf>> {
    files_of(dir, Direction::Down)
}

#[derive(PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

fn files_of(dir: &Path, direction: Direction) -> Result<BTreeMap<i64, PathBuf>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, "cannot list the folder", e))? {
        let path = entry
            .map_err(|e| io_error(dir, "cannot list the folder", e))?
            .path();
        let Some(version) = file_version(&path)? else {
            continue;
        };
        let is_down = file_name(&path).ends_with(DOWN_SUFFIX);
        if is_down != (direction == Direction::Down) {
            continue;
        }
        if let Some(first) = files.insert(version, path.clone()) {
            return Err(Error::MigrationFiles {
                path: dir.to_path_buf(),
                message: format!(
                    "`{}` and `{}` both have version {version}; rename one to a later version",
                    file_name(&first),
                    file_name(&path)
                ),
            });
        }
    }
    Ok(files)
}

/// The version of a migration file; `None` for anything sqlx ignores.
fn file_version(path: &Path) -> Result<Option<i64>> {
    if !path.is_file() {
        return Ok(None);
    }
    let name = file_name(path);
    let Some((version, rest)) = name.split_once('_') else {
        return Ok(None);
    };
    if !rest.ends_with(".sql") {
        return Ok(None);
    }
    match version.parse::<i64>() {
        Ok(v) => Ok(Some(v)),
        Err(_) => Err(Error::MigrationFiles {
            path: path.to_path_buf(),
            message:
                "the name must start with a number, the version (`20260102030405_add_x.sql`); \
                      rename or move the file"
                    .to_string(),
        }),
    }
}

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The suffixes sqlx reads as the two halves of a reversible migration.
pub(super) const UP_SUFFIX: &str = ".up.sql";
pub(super) const DOWN_SUFFIX: &str = ".down.sql";

/// The description sqlx derives from a file name: `1_add_x.sql` → `add x`.
pub(super) fn description(path: &Path) -> String {
    file_stem_name(path).replace('_', " ")
}

/// The name part of a migration file: `1_add_x.up.sql` → `add_x`.
pub(super) fn file_stem_name(path: &Path) -> String {
    let name = file_name(path);
    let rest = name.split_once('_').map_or(name.as_str(), |(_, r)| r);
    let rest = rest
        .strip_suffix(UP_SUFFIX)
        .or_else(|| rest.strip_suffix(DOWN_SUFFIX))
        .or_else(|| rest.strip_suffix(".sql"))
        .unwrap_or(rest);
    rest.to_string()
}

/// The snapshot of the latest migration that has one.
pub(super) fn latest_snapshot(
    dir: &Path,
    files: &BTreeMap<i64, PathBuf>,
    kind: DialectKind,
    prefix: &str,
) -> Result<Option<Snapshot>> {
    // Only a snapshot whose migration file exists counts: one left without
    // its file (a crash between the two writes) describes nothing applied.
    let snapshots = snapshot_versions(dir)?;
    let Some(version) = snapshots.iter().rev().find(|v| files.contains_key(v)) else {
        if let Some(last) = files.keys().last() {
            return Err(Error::MigrationFiles {
                path: dir.join(SNAPSHOT_DIR),
                message: format!(
                    "no snapshot of the schema the migrations lead to (`{SNAPSHOT_DIR}/{last}.json` \
                     is missing); restore it from version control"
                ),
            });
        }
        return Ok(None);
    };
    let path = snapshot_path(dir, *version);
    let snapshot = read_snapshot(&path)?;
    check_snapshot(&path, &snapshot, kind, prefix)?;
    Ok(Some(snapshot))
}

pub(super) fn snapshot_path(dir: &Path, version: i64) -> PathBuf {
    dir.join(SNAPSHOT_DIR).join(format!("{version}.json"))
}

/// Versions that have a `snapshots/<version>.json`.
pub(super) fn snapshot_versions(dir: &Path) -> Result<BTreeSet<i64>> {
    let snapshots = dir.join(SNAPSHOT_DIR);
    if !snapshots.is_dir() {
        return Ok(BTreeSet::new());
    }
    let entries = fs::read_dir(&snapshots).map_err(|e| io_error(&snapshots, "cannot list", e))?;
    let mut versions = BTreeSet::new();
    for entry in entries {
        let path = entry
            .map_err(|e| io_error(&snapshots, "cannot list", e))?
            .path();
        let name = file_name(&path);
        if let Some(v) = name.strip_suffix(".json").and_then(|s| s.parse().ok()) {
            versions.insert(v);
        }
    }
    Ok(versions)
}

pub(super) fn read_snapshot(path: &Path) -> Result<Snapshot> {
    let text = fs::read_to_string(path).map_err(|e| io_error(path, "cannot read", e))?;
    serde_json::from_str(&text).map_err(|e| Error::MigrationFiles {
        path: path.to_path_buf(),
        message: format!(
            "the snapshot is not valid ({e}); restore it from version control, \
             it must describe the schema its migration leads to"
        ),
    })
}

/// A snapshot must be of this dialect and table prefix.
fn check_snapshot(path: &Path, s: &Snapshot, kind: DialectKind, prefix: &str) -> Result<()> {
    let message = if s.dialect != kind {
        format!(
            "the snapshot is for {}, not {kind}; move it back to `migrations/{}/`",
            s.dialect, s.dialect
        )
    } else if s.prefix != prefix {
        format!(
            "the migrations were written for the table prefix `{}` but the prefix is now `{prefix}`; \
             set the prefix back (a new prefix means new tables: start another migrations folder)",
            s.prefix
        )
    } else {
        return Ok(());
    };
    Err(Error::MigrationFiles {
        path: path.to_path_buf(),
        message,
    })
}

/// `name` as a file-name part: lower-case letters, digits and `_`.
pub(super) fn migration_name(dir: &Path, name: &str) -> Result<String> {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        return Err(Error::MigrationFiles {
            path: dir.to_path_buf(),
            message: format!(
                "the migration name `{name}` has no letters or digits; use a name like `add_audit_logs`"
            ),
        });
    }
    Ok(out)
}

/// Now as `yyyymmddhhmmss` (UTC), or one past `last` when that is not earlier.
pub(super) fn next_version(last: Option<i64>) -> i64 {
    let t = Utc::now();
    let date = i64::from(t.year()) * 10_000 + i64::from(t.month()) * 100 + i64::from(t.day());
    let time = i64::from(t.hour()) * 10_000 + i64::from(t.minute()) * 100 + i64::from(t.second());
    let now = date * 1_000_000 + time;
    match last {
        Some(last) if last >= now => last + 1,
        _ => now,
    }
}

/// The first lines of a migration file.
pub(super) struct Header {
    /// sqlx runs the file outside a transaction (its first line says so).
    pub no_transaction: bool,
    pub lines: Vec<String>,
}

impl Header {
    pub fn up(kind: DialectKind, version: i64, name: &str) -> Header {
        Header {
            no_transaction: false,
            lines: vec![
                format!(
                    "Invect migration {version}_{name} ({kind}), written by `invect-cli migrate`."
                ),
                format!(
                    "Applied once by sqlx's migrator, recorded in `{MIGRATIONS_TABLE}`; do not edit it after."
                ),
            ],
        }
    }

    pub fn down(kind: DialectKind, version: i64, name: &str) -> Header {
        Header {
            no_transaction: false,
            lines: vec![format!(
                "Reverses Invect migration {version}_{name} ({kind}); run by `invect-cli migrate --revert`."
            )],
        }
    }
}

/// A header, then each statement ended by `;` (a file with none runs `SELECT 1`).
pub(super) fn file_text(header: &Header, statements: &[String]) -> String {
    let mut sql = String::new();
    if header.no_transaction {
        sql.push_str("-- no-transaction\n");
    }
    for line in &header.lines {
        sql.push_str("-- ");
        sql.push_str(line);
        sql.push('\n');
    }
    for s in statements {
        sql.push('\n');
        sql.push_str(s);
        sql.push_str(";\n");
    }
    if statements.is_empty() {
        sql.push_str("\nSELECT 1;\n");
    }
    sql
}

/// Writes the snapshot, then the down file, then the up file, each through
/// a temporary file renamed into place, so a crash never leaves half a file
/// (and an up file is never there without its down file and snapshot).
pub(super) fn write_files(dir: &Path, m: &NewMigration, snapshot: &Snapshot) -> Result<()> {
    write_snapshot(dir, snapshot)?;
    if let (Some(path), Some(sql)) = (&m.down_path, &m.down_sql) {
        write_atomic(path, sql)?;
    }
    write_atomic(&m.path, &m.sql)
}

pub(super) fn write_snapshot(dir: &Path, snapshot: &Snapshot) -> Result<()> {
    let snapshots = dir.join(SNAPSHOT_DIR);
    fs::create_dir_all(&snapshots).map_err(|e| io_error(&snapshots, "cannot create", e))?;
    let json = serde_json::to_string_pretty(snapshot).map_err(|e| Error::MigrationFiles {
        path: snapshots.clone(),
        message: format!("cannot encode the snapshot: {e}"),
    })?;
    write_atomic(&snapshot_path(dir, snapshot.version), &json)
}

/// Writes `path` through `.<name>.tmp` beside it (a name sqlx ignores).
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_file_name(format!(".{}.tmp", file_name(path)));
    fs::write(&tmp, text).map_err(|e| io_error(&tmp, "cannot write", e))?;
    fs::rename(&tmp, path).map_err(|e| io_error(path, "cannot write", e))
}

pub(super) fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::MigrationFiles {
        path: path.to_path_buf(),
        message: format!("{what}: {e}; check that it exists and is readable and writable"),
    }
}

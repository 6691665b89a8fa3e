//! MySQL commits each DDL statement as it goes, so a migration killed or
//! failed half-way stays applied in part and marked unfinished in
//! [`MIGRATIONS_TABLE`]. When Invect wrote the file and nobody edited it,
//! its snapshot says exactly which schema it leads to: the next run adds
//! what the database still lacks, additively as push does, and marks the
//! migration done. Any other file stays the user's call
//! ([`Error::MigrationDirty`](crate::Error::MigrationDirty)).

use invect_schema::Schema;
use sqlx::migrate::{Migrate, MigrateError};

use super::files::file_stem_name;
use super::{
    MIGRATIONS_TABLE, Run, Snapshot, io_error, read_snapshot, snapshot_path, snapshot_versions,
};
use crate::driver::Conn;
use crate::error::Result;

/// Completes an unfinished Invect-written migration, then applies what is
/// pending; `conn` holds the migration lock. Returns the versions done.
pub(super) async fn pending(run: &Run, conn: &mut Conn) -> Result<Vec<i64>> {
    let mut done = Vec::new();
    conn.ensure_migrations_table(MIGRATIONS_TABLE)
        .await
        .map_err(|e| run.error(e))?;
    let dirty = conn
        .dirty_version(MIGRATIONS_TABLE)
        .await
        .map_err(|e| run.error(e))?;
    if let Some(version) = dirty {
        let Some((target, drops)) = written_by_invect(run, version)? else {
            return Err(run.error(MigrateError::Dirty(version)));
        };
        crate::push::apply(conn, &target.schema, &target.prefix).await?;
        finish_drops(conn, &target.prefix, &drops).await?;
        conn.execute(&format!(
            "UPDATE {MIGRATIONS_TABLE} SET success = TRUE WHERE version = {version}"
        ))
        .await?;
        tracing::info!(version, "completed a migration left unfinished");
        done.push(version);
    }
    done.extend(run.pending(conn).await?);
    Ok(done)
}

/// What a migration drops: `(table, None)` or a column of a table.
type Drops = Vec<(String, Option<invect_schema::ColumnDef>)>;

/// The drops of an unfinished migration that have not run yet (push, which
/// completed the rest, never drops).
async fn finish_drops(conn: &mut Conn, prefix: &str, drops: &Drops) -> Result<()> {
    let d = conn.kind().dialect();
    let live = crate::introspect::introspect_conn(conn).await?;
    for (table, column) in drops {
        let Some(t) = live.tables.get(table) else {
            continue;
        };
        let statements = match column {
            None => vec![
                d.drop_table(table),
                invect_schema::meta::forget_sql(d, prefix, table),
            ],
            Some(c) if t.column(&c.name).is_some() => d.drop_column(table, c),
            Some(_) => continue,
        };
        for sql in statements {
            conn.execute(&sql).await?;
        }
    }
    Ok(())
}

/// The snapshot `version` leads to and what it drops, when its file is
/// exactly what Invect wrote from the snapshot before it to this one.
pub(super) fn written_by_invect(run: &Run, version: i64) -> Result<Option<(Snapshot, Drops)>> {
    let Some(file) = run.files.get(&version) else {
        return Ok(None);
    };
    let snapshots = snapshot_versions(&run.dir)?;
    if !snapshots.contains(&version) {
        return Ok(None);
    }
    let target = read_snapshot(&snapshot_path(&run.dir, version))?;
    if target.dialect != run.kind || target.version != version {
        return Ok(None);
    }
    // The base is what `write_pending` diffed from: the latest earlier
    // snapshot whose file exists.
    let base = snapshots
        .iter()
        .rev()
        .find(|v| **v < version && run.files.contains_key(v));
    let base = match base {
        Some(v) => read_snapshot(&snapshot_path(&run.dir, *v))?.schema,
        None => Schema::default(),
    };
    let planned = super::render::plan(
        run.kind,
        &base,
        &target.schema,
        &target.prefix,
        target.options,
    );
    let Ok(Some(planned)) = planned else {
        return Ok(None);
    };
    let name = file_stem_name(file);
    let text = std::fs::read_to_string(file).map_err(|e| io_error(file, "cannot read", e))?;
    let written = planned.files(&run.dir, version, &name);
    let drops = planned.plan.drops.clone();
    Ok(written
        .iter()
        .any(|f| f.sql == text)
        .then_some((target, drops)))
}

//! `migrate`: write a migration file for what changed since the last one,
//! then apply every pending file.

use crate::invect::Invect;

use super::args::Common;
use super::failure::{Failure, Outcome};
use super::output::Out;
use super::settings::Settings;
use crate::migrate::{self as migrations, MigrationState};

/// The name given to the migration files `migrate` writes.
const MIGRATION_NAME: &str = "schema";

/// Shows the new file and the pending ones; (unless `--dry-run`) asks, writes, applies.
pub async fn run(out: &Out, invect: &Invect, settings: &Settings, common: &Common) -> Outcome {
    let id = &invect.config().id;
    let kind = invect.db().kind();
    let root = settings.migrations_dir();
    let write = |dry_run: bool| {
        let prefix = &invect.config().table_prefix;
        migrations::write_pending(root, kind, invect.schema(), prefix, MIGRATION_NAME, dry_run)
    };
    let pending: Vec<MigrationState> = migrations::status(invect.db(), root)
        .await?
        .into_iter()
        .filter(|m| !m.applied)
        .collect();
    // With --yes the file is written at once, so what is shown is what was written.
    let write_now = common.yes && !common.dry_run;
    let new = write(!write_now)?;
    if new.is_none() && pending.is_empty() {
        // Applies nothing, but checks that no applied file was edited since.
        migrations::apply(invect.db(), root).await?;
        out.done(
            "up to date:",
            format!(
                "no schema change since the last migration in {}, and database `{id}` has every migration",
                migrations::dialect_dir(root, kind).display()
            ),
        );
        return Ok(());
    }
    for m in &pending {
        out.line(format!("pending migration {} {}", m.version, m.description));
    }
    if let Some(new) = &new {
        let verb = if write_now { "wrote" } else { "new migration" };
        out.heading(format!("{verb} {}:", new.path.display()));
        out.line(new.sql.trim_end());
    }
    if common.dry_run {
        out.line("dry run: nothing was written or applied");
        return Ok(());
    }
    if !write_now {
        let count = pending.len() + usize::from(new.is_some());
        let question = format!("Write and apply {count} migration(s) to database `{id}`?");
        if !out.confirm(&question, common.yes)? {
            return Err(Failure::new("cancelled; nothing was written or applied"));
        }
        if let Some(written) = write(false)? {
            out.done("wrote", written.path.display().to_string());
        }
    }
    let applied = super::progress::with_progress(
        format!("applying migrations to database `{id}`"),
        migrations::apply(invect.db(), root),
    )
    .await?;
    for version in &applied {
        out.done("applied", format!("migration {version}"));
    }
    if applied.is_empty() {
        out.line(format!("database `{id}` already had every migration"));
    }
    Ok(())
}

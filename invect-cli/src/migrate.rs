//! `migrate`: write a migration file for what changed since the last one,
//! then apply every pending file.

use invect_runtime::Invect;

use crate::args::Common;
use crate::failure::{Failure, Outcome};
use crate::output::Out;
use crate::settings::Settings;
use invect_runtime::migrate::{self as migrations, MigrationState, NewMigration};
use std::path::Path;

/// The name given to the migration files `migrate` writes.
const MIGRATION_NAME: &str = "schema";

/// Shows the new file and the pending ones; (unless `--dry-run`) asks,
/// writes, then applies them, or with `baseline` records them as applied.
pub async fn run(
    out: &Out,
    invect: &Invect,
    settings: &Settings,
    common: &Common,
    baseline: bool,
) -> Outcome {
    let id = &invect.config().id;
    let kind = invect.db().kind();
    let root = settings.migrations_dir();
    let write = |dry_run: bool| {
        let prefix = &invect.config().table_prefix;
        migrations::write_pending(root, kind, invect.schema(), prefix, MIGRATION_NAME, dry_run)
    };
    let states = migrations::status(invect.db(), root).await?;
    let history_empty = !migrations::has_history(invect.db()).await?;
    let pending: Vec<MigrationState> = states.into_iter().filter(|m| !m.applied).collect();
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
    show(out, &pending, new.as_ref(), write_now);
    if common.dry_run {
        out.line("dry run: nothing was written or applied");
        return Ok(());
    }
    check_applicable(invect, baseline, history_empty).await?;
    if !write_now {
        let count = pending.len() + usize::from(new.is_some());
        confirm(out, id, count, baseline, common.yes)?;
        if let Some(written) = write(false)? {
            out.done("wrote", written.path.display().to_string());
        }
    }
    finish(out, invect, root, baseline).await
}

/// Lists the pending files and the new one.
fn show(out: &Out, pending: &[MigrationState], new: Option<&NewMigration>, written: bool) {
    for m in pending {
        out.line(format!("pending migration {} {}", m.version, m.description));
    }
    if let Some(new) = new {
        let verb = if written { "wrote" } else { "new migration" };
        out.heading(format!("{verb} {}:", new.path.display()));
        out.line(new.sql.trim_end());
    }
}

/// Refuses what the files cannot do to this database: a baseline of a
/// database that lacks the schema, or a first migration on tables that exist.
async fn check_applicable(invect: &Invect, baseline: bool, history_empty: bool) -> Outcome {
    let id = &invect.config().id;
    let has_schema = schema_state(invect).await?;
    if baseline && has_schema != SchemaState::UpToDate {
        return Err(Failure::new(format!(
            "database `{id}` does not have the whole schema yet, so its migrations cannot be recorded as applied"
        ))
        .hint("run `invect-cli migrate --push` first (or plain `invect-cli migrate` on an empty database)"));
    }
    // History read again after the catalog: a concurrent `migrate` commits
    // its tables with its history row (or, on MySQL, writes the row first),
    // so tables without history really were made some other way.
    if !baseline
        && history_empty
        && has_schema != SchemaState::Empty
        && !migrations::has_history(invect.db()).await?
    {
        return Err(Failure::new(format!(
            "database `{id}` already has Invect's tables (made by `migrate --push` or a DDL script) but no migration history, so the first migration file would fail creating what exists; nothing was applied"
        ))
        .hint("run `invect-cli migrate --push` to bring it up to date, then `invect-cli migrate --baseline` once to record the files as applied without running them"));
    }
    Ok(())
}

/// Asks before writing and applying `count` migrations.
fn confirm(out: &Out, id: &str, count: usize, baseline: bool, yes: bool) -> Outcome {
    let verb = if baseline {
        "record as applied (without running)"
    } else {
        "apply"
    };
    let question = format!("Write and {verb} {count} migration(s) on database `{id}`?");
    if !out.confirm(&question, yes)? {
        return Err(Failure::new("cancelled; nothing was written or applied"));
    }
    Ok(())
}

/// Applies the pending files, or with `baseline` records them as applied.
async fn finish(out: &Out, invect: &Invect, root: &Path, baseline: bool) -> Outcome {
    let id = &invect.config().id;
    if baseline {
        for version in migrations::baseline(invect.db(), root).await? {
            out.done(
                "recorded",
                format!("migration {version} as applied (not run)"),
            );
        }
        return Ok(());
    }
    let applied = crate::progress::with_progress(
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

/// How much of the declared schema the database has.
#[derive(Debug, PartialEq, Eq)]
enum SchemaState {
    /// No Invect record table: nothing of Invect's yet.
    Empty,
    /// Some of it (push would add things).
    Partial,
    /// All of it (push has nothing to do).
    UpToDate,
}

async fn schema_state(invect: &Invect) -> Result<SchemaState, Failure> {
    let plan = invect.plan().await?;
    let d = invect.db().kind().dialect();
    let prefix = &invect.config().table_prefix;
    let create_record = invect_schema::render_table(d, &invect_schema::meta::meta_table(prefix));
    Ok(if plan.statements.is_empty() && plan.refusals.is_empty() {
        SchemaState::UpToDate
    } else if create_record
        .first()
        .is_some_and(|c| plan.statements.contains(c))
    {
        SchemaState::Empty
    } else {
        SchemaState::Partial
    })
}

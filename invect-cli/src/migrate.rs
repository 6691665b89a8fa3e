//! `migrate`: write a migration for what changed since the last one, then
//! apply every pending file; `--revert N` undoes the last N, `--new NAME`
//! writes an empty one to fill in, `--adopt-hand-written` records one
//! written by hand.

use std::path::Path;
use std::time::Duration;

use invect_runtime::Invect;
use invect_runtime::migrate::{self as migrations, Changes, DiffOptions, MigrationState};

use crate::args::MigrateArgs;
use crate::failure::{Failure, Outcome};
use crate::open::Opened;
use crate::output::Out;
use crate::settings::Settings;

mod hand;

/// The name given to the migration files `migrate` writes.
pub(crate) const MIGRATION_NAME: &str = "schema";

/// Shows the new file and the pending ones, checks that the files can do
/// what is asked of this database, then (unless `--dry-run`) asks, reopens
/// the database for writing, writes the file and applies the pending ones,
/// or with `--baseline` records them as applied. Nothing is written before
/// the checks and the answer.
pub async fn run(out: &Out, opened: Opened, settings: &Settings, args: &MigrateArgs) -> Outcome {
    if let Some(name) = &args.new {
        return hand::new_file(out, opened, settings, name).await;
    }
    if args.adopt_hand_written {
        return hand::adopt(out, opened, settings).await;
    }
    if let Some(count) = args.revert {
        let lock_timeout = Duration::from_millis(args.lock_timeout_ms);
        return hand::revert(out, opened, settings, count, lock_timeout, &args.change).await;
    }
    let next = prepare(out, opened.invect(), settings, args).await;
    let Ok(next @ (Next::Write | Next::Check)) = next else {
        opened.close().await;
        return next.map(|_| ());
    };
    let invect = opened.for_writing(settings).await?;
    let result = match next {
        Next::Check => up_to_date(out, &invect, settings).await,
        _ => write_and_finish(out, &invect, settings, args).await,
    };
    invect.db().close().await;
    result
}

/// What `migrate` does once it has looked.
#[derive(Debug, Clone, Copy)]
enum Next {
    /// Nothing (a dry run).
    Stop,
    /// Nothing to write or apply: check that no applied file was edited.
    Check,
    /// Write the new file and apply (the answer was yes).
    Write,
}

/// Says so when there is nothing to write or apply, after checking (under
/// the lock, hence on the database opened for writing) that no applied
/// file was edited since.
async fn up_to_date(out: &Out, invect: &Invect, settings: &Settings) -> Outcome {
    let root = settings.migrations_dir();
    migrations::apply(invect.db(), root).await?;
    out.done(
        "up to date:",
        format!(
            "no schema change since the last migration in {}, and database `{}` has every migration",
            migrations::dialect_dir(root, invect.db().kind()).display(),
            invect.config().id
        ),
    );
    Ok(())
}

/// Everything before writing, on the database opened for reading.
async fn prepare(
    out: &Out,
    invect: &Invect,
    settings: &Settings,
    args: &MigrateArgs,
) -> Result<Next, Failure> {
    let id = &invect.config().id;
    let root = settings.migrations_dir();
    let states = migrations::status(invect.db(), root).await?;
    let history_empty = !migrations::has_history(invect.db()).await?;
    let pending: Vec<MigrationState> = states.into_iter().filter(|m| !m.applied).collect();
    let new = write(invect, settings, options(args), true)?;
    for kept in new.iter().flat_map(|n| &n.kept) {
        out.line(kept);
    }
    let new = new.filter(|n| !n.is_empty());
    if new.is_none() && pending.is_empty() {
        return Ok(Next::Check);
    }
    show(out, &pending, new.as_ref());
    check_applicable(invect, args.baseline, history_empty).await?;
    if let Some(new) = &new {
        check_data(out, invect, new, !pending.is_empty()).await?;
    }
    if args.change.dry_run {
        out.line("dry run: nothing was written or applied");
        return Ok(Next::Stop);
    }
    let count = pending.len() + new.as_ref().map_or(0, |n| n.files.len());
    confirm(out, id, count, args.baseline, args.change.yes)?;
    Ok(Next::Write)
}

fn options(args: &MigrateArgs) -> DiffOptions {
    DiffOptions {
        allow_drop: args.allow_drop,
        allow_narrowing: args.allow_narrowing,
    }
}

/// Writes the migration files for what changed (or with `dry_run` only
/// computes them).
fn write(
    invect: &Invect,
    settings: &Settings,
    options: DiffOptions,
    dry_run: bool,
) -> Result<Option<Changes>, Failure> {
    let prefix = &invect.config().table_prefix;
    let kind = invect.db().kind();
    let root = settings.migrations_dir();
    Ok(migrations::write_changes(
        root,
        kind,
        invect.schema(),
        prefix,
        MIGRATION_NAME,
        options,
        dry_run,
    )?)
}

/// Writes the new files, then applies (or records) the pending ones.
async fn write_and_finish(
    out: &Out,
    invect: &Invect,
    settings: &Settings,
    args: &MigrateArgs,
) -> Outcome {
    if let Some(written) = write(invect, settings, options(args), false)? {
        for file in &written.files {
            out.done("wrote", file.path.display().to_string());
            if let Some(down) = &file.down_path {
                out.done("wrote", down.display().to_string());
            }
        }
    }
    let lock_timeout = Duration::from_millis(args.lock_timeout_ms);
    finish(
        out,
        invect,
        settings.migrations_dir(),
        args.baseline,
        lock_timeout,
    )
    .await
}

/// Lists the pending files and the new ones (their SQL unless `-q`), and
/// what is no longer declared but kept.
fn show(out: &Out, pending: &[MigrationState], new: Option<&Changes>) {
    for m in pending {
        out.line(format!("pending migration {} {}", m.version, m.description));
    }
    let Some(new) = new else { return };
    let colon = if out.is_quiet() { "" } else { ":" };
    for file in &new.files {
        out.heading(format!("new migration {}{colon}", file.path.display()));
        out.script(&file.sql);
    }
}

/// Says what the drops lose and refuses narrowing changes that rows of the
/// database would refuse, naming how many; both read the database as it
/// is, so they need every earlier migration applied first.
async fn check_data(out: &Out, invect: &Invect, new: &Changes, pending: bool) -> Outcome {
    if new.losses.is_empty() && new.checks.is_empty() {
        return Ok(());
    }
    if pending {
        return Err(Failure::new(
            "the new migration drops or narrows columns, and the database has pending migrations, \
             so its rows cannot be checked yet; nothing was written or applied",
        )
        .hint("run `invect-cli migrate` without --allow-drop / --allow-narrowing first, then again with them"));
    }
    for (what, n) in migrations::count_losses(invect.db(), new).await? {
        out.warn(format!("dropping {what} loses {n} row(s) / value(s)"));
    }
    let refused = migrations::check_data(invect.db(), new).await?;
    if refused.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = refused
        .iter()
        .map(|(c, n)| format!("column `{}` has {n} row(s) with {}", c.column, c.problem))
        .collect();
    Err(Failure::new(format!(
        "the new migration would fail on rows database `{}` holds: {}; nothing was written or applied",
        invect.config().id,
        list.join("; ")
    ))
    .hint("fix those rows first (or declare a default, which NULLs then get), then run migrate again"))
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
async fn finish(
    out: &Out,
    invect: &Invect,
    root: &Path,
    baseline: bool,
    lock_timeout: Duration,
) -> Outcome {
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
        migrations::apply_with_lock_timeout(invect.db(), root, lock_timeout),
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

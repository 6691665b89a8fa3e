//! `migrate --adopt`: take over a database the TypeScript Invect made.
//! Shows the tables it takes, what it keeps and every statement, plus the
//! migration files it will record as applied; refuses, naming each table
//! and column, when anything differs; asks; then adopts (one locked
//! transaction where DDL is transactional), writes the migration for the
//! declared schema when the files lack it, and records every file as
//! applied, so `migrate` and `migrate --push` work from then on.

use invect_runtime::migrate::{self as migrations, Changes, DiffOptions};
use invect_runtime::{AdoptPlan, Invect};

use crate::args::{Format, MigrateArgs};
use crate::failure::{Failure, Outcome};
use crate::migrate::MIGRATION_NAME;
use crate::open::Opened;
use crate::output::Out;
use crate::settings::Settings;

/// Plans on the database opened for reading; unless `--dry-run` (or a
/// refusal, or "no"), reopens it for writing and adopts.
pub async fn run(out: &Out, opened: Opened, settings: &Settings, args: &MigrateArgs) -> Outcome {
    let go = prepare(out, opened.invect(), settings, args).await;
    match go {
        Ok(true) => {}
        Ok(false) => {
            opened.close().await;
            return Ok(());
        }
        Err(failure) => {
            opened.close().await;
            return Err(failure);
        }
    }
    let invect = opened.for_writing(settings).await?;
    let result = finish(out, &invect, settings).await;
    invect.db().close().await;
    result
}

/// Shows what adoption would do and asks; whether to go on.
async fn prepare(
    out: &Out,
    invect: &Invect,
    settings: &Settings,
    args: &MigrateArgs,
) -> Result<bool, Failure> {
    let id = &invect.config().id;
    let plan = invect.plan_adoption().await?;
    let json = args.format == Format::Json;
    if !plan.refusals.is_empty() {
        if json {
            out.json(&crate::json::adoption(invect.config(), &plan, &[], 0));
        }
        return Err(refused(id, &plan));
    }
    let new = write(invect, settings, true)?;
    let pending = migrations::status(invect.db(), settings.migrations_dir())
        .await?
        .into_iter()
        .filter(|m| !m.applied)
        .count()
        + new.as_ref().map_or(0, |n| n.files.len());
    if json {
        let files = new.as_ref().map(|n| n.files.as_slice()).unwrap_or_default();
        out.json(&crate::json::adoption(
            invect.config(),
            &plan,
            files,
            pending,
        ));
        return Ok(false); // only with --dry-run (clap requires it)
    }
    show(out, id, &plan, new.as_ref(), pending);
    if plan.statements.is_empty() && pending == 0 {
        out.done(
            "up to date:",
            format!("database `{id}` has nothing to adopt and every migration recorded"),
        );
        return Ok(false);
    }
    if args.change.dry_run {
        out.line("dry run: nothing was changed");
        return Ok(false);
    }
    let question = format!(
        "Adopt {} table(s), run {} statement(s) and record {pending} migration(s) as applied on database `{id}`?",
        plan.tables.len(),
        plan.statements.len()
    );
    if !out.confirm(&question, args.change.yes)? {
        return Err(Failure::new("cancelled; nothing was changed"));
    }
    Ok(true)
}

fn show(out: &Out, id: &str, plan: &AdoptPlan, new: Option<&Changes>, pending: usize) {
    for t in &plan.tables {
        match &t.renamed_from {
            Some(old) => out.line(format!("adopt table `{old}` as `{}`", t.table)),
            None => out.line(format!("adopt table `{}`", t.table)),
        }
    }
    for kept in &plan.kept {
        out.line(kept);
    }
    if !plan.statements.is_empty() {
        out.heading(format!(
            "adopting database `{id}` would run {} statement(s){}",
            plan.statements.len(),
            if out.is_quiet() { "" } else { ":" }
        ));
        out.sql(&plan.statements);
    }
    for file in new.map(|n| n.files.as_slice()).unwrap_or_default() {
        out.line(format!(
            "would write {} for the declared schema",
            file.path.display()
        ));
    }
    if pending > 0 {
        out.line(format!(
            "then record {pending} migration(s) as applied (without running them)"
        ));
    }
}

fn refused(id: &str, plan: &AdoptPlan) -> Failure {
    let reasons = plan
        .refusals
        .iter()
        .map(|r| format!("  - {r}"))
        .collect::<Vec<_>>()
        .join("\n");
    Failure::new(format!(
        "adoption refused, nothing was changed on database `{id}`:\n{reasons}"
    ))
    .hint(
        "adoption takes over only tables that match Invect's declaration: change these by hand \
         (or write them in a table prefix of their own), then run `invect-cli migrate --adopt` again",
    )
}

/// Adopts (planning again under the lock), then writes the migration for
/// the declared schema if the files lack it and records every file.
async fn finish(out: &Out, invect: &Invect, settings: &Settings) -> Outcome {
    let id = &invect.config().id;
    let report =
        crate::progress::with_progress(format!("adopting database `{id}`"), invect.adopt()).await?;
    out.done(
        "adopted:",
        format!(
            "{} table(s) on database `{id}`, {} statement(s) run",
            report.tables.len(),
            report.statements.len()
        ),
    );
    if let Some(written) = write(invect, settings, false)? {
        for file in &written.files {
            out.done("wrote", file.path.display().to_string());
            if let Some(down) = &file.down_path {
                out.done("wrote", down.display().to_string());
            }
        }
    }
    for version in migrations::baseline(invect.db(), settings.migrations_dir()).await? {
        out.done(
            "recorded",
            format!("migration {version} as applied (not run)"),
        );
    }
    Ok(())
}

/// The migration for what the files' last snapshot lacks (`dry_run`:
/// computed, not written).
fn write(invect: &Invect, settings: &Settings, dry_run: bool) -> Result<Option<Changes>, Failure> {
    Ok(migrations::write_changes(
        settings.migrations_dir(),
        invect.db().kind(),
        invect.schema(),
        &invect.config().table_prefix,
        MIGRATION_NAME,
        DiffOptions::default(),
        dry_run,
    )?)
}

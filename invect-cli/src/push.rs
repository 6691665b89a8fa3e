//! `migrate --push`: show the plan, ask, apply it additively.

use invect_runtime::{Invect, Plan};

use crate::args::{Format, MigrateArgs};
use crate::failure::{Failure, Outcome};
use crate::open::Opened;
use crate::output::Out;
use crate::settings::Settings;

/// Plans on the database opened for reading, prints the plan, and (unless
/// `--dry-run`) pushes after confirmation, reopening it for writing.
pub async fn run(out: &Out, opened: Opened, settings: &Settings, args: &MigrateArgs) -> Outcome {
    let plan = opened.invect().plan().await;
    let shown = plan
        .map_err(Failure::from)
        .and_then(|plan| show(out, opened.invect(), &plan, args));
    let go = match shown {
        Ok(go) => go,
        Err(failure) => {
            opened.close().await;
            return Err(failure);
        }
    };
    if !go {
        opened.close().await;
        return Ok(());
    }
    let invect = opened.for_writing(settings).await?;
    let result = push(out, &invect).await;
    invect.db().close().await;
    result
}

/// Prints the plan (as JSON with `--format json`) and asks; whether to push.
fn show(out: &Out, invect: &Invect, plan: &Plan, args: &MigrateArgs) -> Result<bool, Failure> {
    let id = &invect.config().id;
    if args.format == Format::Json {
        out.json(&crate::json::plan(invect.config(), plan));
    }
    if !plan.refusals.is_empty() {
        return Err(refused(id, plan));
    }
    if args.format == Format::Json {
        return Ok(false); // only with --dry-run (clap requires it)
    }
    if plan.statements.is_empty() {
        out.done(
            "up to date:",
            format!("database `{id}` already has the schema; nothing to push"),
        );
        return Ok(false);
    }
    out.heading(format!(
        "push to database `{id}` ({}) would run {} statement(s){}",
        invect.config().r#type.label(),
        plan.statements.len(),
        if out.is_quiet() { "" } else { ":" }
    ));
    out.sql(&plan.statements);
    if args.change.dry_run {
        out.line("dry run: nothing was changed");
        return Ok(false);
    }
    let question = format!("Apply these {} statement(s)?", plan.statements.len());
    if !out.confirm(&question, args.change.yes)? {
        return Err(Failure::new("cancelled; nothing was changed"));
    }
    Ok(true)
}

fn refused(id: &str, plan: &Plan) -> Failure {
    let reasons = plan
        .refusals
        .iter()
        .map(|r| format!("  - {r}"))
        .collect::<Vec<_>>()
        .join("\n");
    Failure::new(format!(
        "push refused, nothing was changed on database `{id}`:\n{reasons}"
    ))
    .hint("push only adds: make these changes by hand or in a migration file you write, then run the push again")
}

/// Pushes (push plans again under the lock, so what a concurrent push did is not repeated).
async fn push(out: &Out, invect: &Invect) -> Outcome {
    let id = &invect.config().id;
    let report =
        crate::progress::with_progress(format!("pushing to database `{id}`"), invect.push())
            .await?;
    out.done(
        "pushed:",
        format!(
            "ran {} statement(s) on database `{id}`",
            report.statements.len()
        ),
    );
    Ok(())
}

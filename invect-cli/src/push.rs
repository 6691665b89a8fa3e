//! `migrate --push`: show the plan, ask, apply it additively.

use invect_runtime::Invect;

use crate::args::Common;
use crate::failure::{Failure, Outcome};
use crate::output::Out;

/// Plans, prints the plan, and (unless `--dry-run`) pushes after confirmation.
pub async fn run(out: &Out, invect: &Invect, common: &Common) -> Outcome {
    let id = &invect.config().id;
    let plan = invect.plan().await?;
    if !plan.refusals.is_empty() {
        let reasons = plan
            .refusals
            .iter()
            .map(|r| format!("  - {r}"))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(Failure::new(format!(
            "push refused, nothing was changed on database `{id}`:\n{reasons}"
        ))
        .hint("push only adds: make these changes by hand or in a migration file you write, then run the push again"));
    }
    if plan.statements.is_empty() {
        out.done(
            "up to date:",
            format!("database `{id}` already has the schema; nothing to push"),
        );
        return Ok(());
    }
    out.heading(format!(
        "push to database `{id}` ({}) would run {} statement(s):",
        invect.config().r#type.label(),
        plan.statements.len()
    ));
    out.sql(&plan.statements);
    if common.dry_run {
        out.line("dry run: nothing was changed");
        return Ok(());
    }
    if !out.confirm(
        &format!("Apply these {} statement(s)?", plan.statements.len()),
        common.yes,
    )? {
        return Err(Failure::new("cancelled; nothing was changed"));
    }
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

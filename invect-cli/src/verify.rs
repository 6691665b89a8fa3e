//! `verify [--strict]`: the startup check, on demand.

use invect_runtime::Invect;

use crate::failure::{Failure, Outcome};
use crate::output::Out;

/// Verifies; drift is a warning, or with `strict` a failure.
pub async fn run(out: &Out, invect: &Invect, strict: bool) -> Outcome {
    let report =
        crate::progress::with_progress("reading the database's catalog", invect.verify()).await?;
    if report.is_ok() {
        out.done("ok:", report.to_string());
        return Ok(());
    }
    if strict {
        return Err(Failure::new(report.to_string()));
    }
    out.warn(report.to_string());
    out.line("(not an error without --strict)");
    Ok(())
}

//! `verify [--strict]`: the startup check, on demand.

use invect_runtime::Invect;

use crate::args::{Format, VerifyArgs};
use crate::failure::{Failure, Outcome};
use crate::output::Out;

/// Verifies; drift (a problem, or an index, foreign key or default that
/// differs) is a warning, or with `--strict` a failure. With `--format
/// json` the report is printed as JSON on stdout either way.
pub async fn run(out: &Out, invect: &Invect, args: &VerifyArgs) -> Outcome {
    let report =
        crate::progress::with_progress("reading the database's catalog", invect.verify()).await?;
    if args.format == Format::Json {
        out.json(&crate::json::verify(invect.config(), &report));
        return match (report.is_exact(), args.strict) {
            (false, true) => Err(Failure::new(report.to_string())),
            _ => Ok(()),
        };
    }
    if report.is_exact() {
        out.done("ok:", report.to_string());
        return Ok(());
    }
    if args.strict {
        return Err(Failure::new(report.to_string()));
    }
    out.warn(report.to_string());
    out.line("(not an error without --strict)");
    Ok(())
}

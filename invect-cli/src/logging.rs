//! Log events (the runtime's, sqlx's, the CLI's own) on stderr: RUST_LOG
//! when it is set, else `-v`/`-q`.

use tracing_subscriber::EnvFilter;

use crate::args::LogArgs;

/// The filter `-q`, nothing, `-v`, `-vv`, `-vvv` stand for: errors only,
/// warnings, what is done, every SQL statement (sqlx logs them at debug), everything.
fn level(log: LogArgs) -> &'static str {
    match (log.quiet, log.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    }
}

/// Installs the subscriber; a RUST_LOG that does not parse is reported
/// (returned as a warning to print) and the flags decide instead.
pub fn init(log: LogArgs) -> Option<String> {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (filter, warning) = match from_env.as_deref().map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (
            EnvFilter::new(level(log)),
            Some(format!(
                "RUST_LOG is not a valid log filter ({e}); ignored it. Write e.g. RUST_LOG=debug or RUST_LOG=sqlx=debug,invect_runtime=info"
            )),
        ),
        None => (EnvFilter::new(level(log)), None),
    };
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .without_time()
        .try_init();
    // Already installed (an application that set up its own): keep that one.
    let _ = installed;
    warning
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_pick_the_level() {
        let at = |quiet, verbose| level(LogArgs { verbose, quiet });
        assert_eq!(
            [
                at(true, 0),
                at(false, 0),
                at(false, 1),
                at(false, 2),
                at(false, 5)
            ],
            ["error", "warn", "info", "debug", "trace"]
        );
    }
}

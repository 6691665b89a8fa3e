//! What the commands print: a line per action on stdout, problems on stderr,
//! colour only on a terminal (and never with `NO_COLOR` set), and the
//! question asked before a change.

use std::io::{BufRead, IsTerminal, Write};

use crate::failure::Failure;

/// `println!` that ignores a closed stdout (`invect-cli ... | head`) instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a closed stderr.
macro_rules! err {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprint!` that ignores a closed stderr.
macro_rules! err_part {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// ANSI colours used.
#[derive(Debug, Clone, Copy)]
enum Colour {
    Green = 32,
    Yellow = 33,
    Red = 31,
    Bold = 1,
}

/// The terminal: whether stdout and stderr take colour.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    stdout_colour: bool,
    stderr_colour: bool,
}

impl Out {
    /// Colour on each stream that is a terminal, unless `NO_COLOR` is set.
    pub fn detect() -> Out {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Out {
            stdout_colour: allowed && std::io::stdout().is_terminal(),
            stderr_colour: allowed && std::io::stderr().is_terminal(),
        }
    }

    fn paint(on: bool, colour: Colour, text: &str) -> String {
        if on {
            format!("\x1b[{}m{text}\x1b[0m", colour as u8)
        } else {
            text.to_string()
        }
    }

    /// A plain line on stdout.
    pub fn line(&self, text: impl AsRef<str>) {
        out!("{}", text.as_ref());
    }

    /// A heading on stdout (bold on a terminal).
    pub fn heading(&self, text: impl AsRef<str>) {
        out!(
            "{}",
            Self::paint(self.stdout_colour, Colour::Bold, text.as_ref())
        );
    }

    /// A completed action on stdout: `verb` in green, then the rest.
    pub fn done(&self, verb: &str, rest: impl AsRef<str>) {
        out!(
            "{} {}",
            Self::paint(self.stdout_colour, Colour::Green, verb),
            rest.as_ref()
        );
    }

    /// SQL statements on stdout, each ending in `;`.
    pub fn sql(&self, statements: &[String]) {
        for s in statements {
            out!("{s};");
        }
    }

    /// A warning on stderr: `warning: ...`.
    pub fn warn(&self, text: impl AsRef<str>) {
        err!(
            "{} {}",
            Self::paint(self.stderr_colour, Colour::Yellow, "warning:"),
            text.as_ref()
        );
    }

    /// A failure on stderr: `error: ...` and what to do next.
    pub fn error(&self, failure: &Failure) {
        err!(
            "{} {}",
            Self::paint(self.stderr_colour, Colour::Red, "error:"),
            failure.message
        );
        if let Some(hint) = &failure.hint {
            err!("{hint}");
        }
    }

    /// Asks `question` on a terminal; `--yes` answers for it. Without a
    /// terminal and without `--yes` nothing is changed: that is an error
    /// saying to pass `--yes`.
    pub fn confirm(&self, question: &str, yes: bool) -> Result<bool, Failure> {
        if yes {
            return Ok(true);
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(Failure::new(
                "nothing was changed: this would change the database, and without a terminal there is no one to ask",
            )
            .hint("pass --yes to go ahead without asking, or --dry-run to see the SQL first"));
        }
        err_part!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        stdin
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Failure::new(format!("cannot read the answer: {e}")))?;
        Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
    }
}

//! What the commands print: a line per action on stdout, problems on stderr,
//! colour as clap decides it (a terminal; `NO_COLOR`, `CLICOLOR`,
//! `CLICOLOR_FORCE`, `TERM=dumb` honoured), and the question asked before a change.

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

/// The styles used.
#[derive(Debug, Clone, Copy)]
enum Colour {
    Green,
    Yellow,
    Red,
    Bold,
}

impl Colour {
    fn style(self) -> anstyle::Style {
        let fg = |c: anstyle::AnsiColor| anstyle::Style::new().fg_color(Some(c.into()));
        match self {
            Colour::Green => fg(anstyle::AnsiColor::Green),
            Colour::Yellow => fg(anstyle::AnsiColor::Yellow),
            Colour::Red => fg(anstyle::AnsiColor::Red),
            Colour::Bold => anstyle::Style::new().bold(),
        }
    }
}

/// The terminal: whether stdout and stderr take colour, and whether SQL is listed.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    stdout_colour: bool,
    stderr_colour: bool,
    /// `-q`: no SQL listing.
    quiet: bool,
}

/// Whether `stream` takes colour, as clap decides it for its own output:
/// never with `NO_COLOR` or `CLICOLOR=0`, always with `CLICOLOR_FORCE`,
/// else on a terminal whose `TERM` is not `dumb`.
fn colour<S: anstream::stream::RawStream>(stream: &S) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

impl Out {
    /// Colour where the environment allows it (see [`colour`]).
    pub fn detect() -> Out {
        Out {
            stdout_colour: colour(&std::io::stdout()),
            stderr_colour: colour(&std::io::stderr()),
            quiet: false,
        }
    }

    /// This output without SQL listings (`-q`).
    pub fn quiet(self, quiet: bool) -> Out {
        Out { quiet, ..self }
    }

    /// Whether SQL listings are left out.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    fn paint(on: bool, colour: Colour, text: &str) -> String {
        if on {
            let style = colour.style();
            format!("{style}{text}{style:#}")
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

    /// SQL statements on stdout, each ending in `;` (none with `-q`).
    pub fn sql(&self, statements: &[String]) {
        if self.quiet {
            return;
        }
        for s in statements {
            out!("{s};");
        }
    }

    /// A SQL script on stdout as it is (none with `-q`).
    pub fn script(&self, text: &str) {
        if !self.quiet {
            out!("{}", text.trim_end());
        }
    }

    /// A JSON document on stdout.
    pub fn json(&self, value: &serde_json::Value) {
        let text = serde_json::to_string_pretty(value)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        out!("{text}");
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

    /// Asks `question` on stderr; `--yes` answers for it. Someone is asked
    /// only when stdin and stderr are both terminals (`cmd 2>&1 | tail` must
    /// not wait for an answer nobody sees); otherwise nothing is changed and
    /// that is an error saying to pass `--yes`.
    pub fn confirm(&self, question: &str, yes: bool) -> Result<bool, Failure> {
        if yes {
            return Ok(true);
        }
        let stdin = std::io::stdin();
        let not_terminal = match (stdin.is_terminal(), std::io::stderr().is_terminal()) {
            (true, true) => None,
            (false, _) => Some("stdin is not a terminal"),
            (true, false) => Some("stderr, where the question would go, is not a terminal"),
        };
        if let Some(why) = not_terminal {
            return Err(Failure::new(format!(
                "nothing was changed: this would change the database, and no one was asked ({why})"
            ))
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

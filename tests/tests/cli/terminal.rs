//! The prompt and colour: someone is asked only when stdin and stderr (where
//! the question goes) are terminals; colour follows TERM, NO_COLOR,
//! CLICOLOR and CLICOLOR_FORCE as clap's own output does.

use crate::support::{
    Bin, cli_bin, cli_on_terminal, cli_on_terminal_stderr_to_file, entries, on_terminal, run_env,
    workdir,
};

/// `invect-cli migrate --push 2>log` on a terminal: the question would go
/// to a file nobody reads, so nothing is asked and nothing is changed.
#[test]
fn no_question_when_stderr_is_not_a_terminal() {
    let dir = workdir();
    let d = dir.path();
    for args in [&["migrate", "--push"][..], &["migrate"]] {
        let out = cli_on_terminal_stderr_to_file(d, args);
        out.failed()
            .stderr_has("no one was asked (stderr")
            .stderr_has("--yes")
            .never_shows("[y/N]");
        assert!(
            entries(d).is_empty(),
            "`{}` left {:?}",
            out.command,
            entries(d)
        );
    }
    // stdin not a terminal: the same refusal, naming stdin.
    run_env(Bin::Cli, d, &["migrate", "--push"], &[])
        .failed()
        .stderr_has("(stdin is not a terminal)");
}

#[test]
fn colour_follows_term_no_color_and_clicolor() {
    let dir = workdir();
    let d = dir.path();
    let generate = ["generate", "--dry-run"];
    // `verify` of a missing file fails: `error:` is red on a colour terminal.
    let verify = ["verify"];
    let coloured = cli_on_terminal(d, &verify, "");
    coloured.failed().stdout_has("\x1b[31merror:");
    for env in [
        &[("TERM", "dumb")][..],
        &[("NO_COLOR", "1")],
        &[("CLICOLOR", "0")],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
    ] {
        let out = on_terminal(cli_bin(), d, &verify, "", env);
        out.failed().stdout_has("error:").never_shows("\x1b[");
        assert!(!out.stdout.contains("\x1b["), "{env:?} coloured:\n{out}");
    }
    // CLICOLOR_FORCE colours a pipe too.
    let env = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")];
    let forced = run_env(Bin::Cli, d, &verify, &env);
    forced.failed().stderr_has("\x1b[31merror:");
    run_env(Bin::Cli, d, &generate, &[])
        .ok()
        .never_shows("\x1b[");
}

//! `completions bash|zsh|fish|elvish|powershell`: a completion script for
//! the running binary, under its own name.

use crate::args::CompletionsArgs;
use crate::failure::Outcome;

/// Prints the script for `args.shell` completing binary `name`.
pub fn run(name: &str, args: &CompletionsArgs) -> Outcome {
    let mut cmd = crate::app::command(name);
    // Into memory first: clap_complete panics on a closed stdout (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, name, &mut script);
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), &script);
    Ok(())
}

//! The command line as the running binary presents it: named after the
//! binary (an application's own CLI is not `invect-cli`), with usage
//! mistakes explained.

use std::ffi::OsString;
use std::path::Path;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};

use crate::args::Cli;

/// The stock binary's name.
pub const STOCK_NAME: &str = "invect-cli";

/// The binary's name: the file name it was started as (`plugin-cli`), else
/// `invect-cli`.
pub fn binary_name(argv0: Option<&OsString>) -> String {
    argv0
        .map(Path::new)
        .and_then(Path::file_stem)
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or(STOCK_NAME)
        .to_string()
}

/// The clap command for binary `name`: `--version` prints `invect-cli 0.1.0`,
/// or for an application's binary `plugin-cli (invect-cli 0.1.0)`.
pub fn command(name: &str) -> clap::Command {
    let own = env!("CARGO_PKG_VERSION");
    let version = if name == STOCK_NAME {
        own.to_string()
    } else {
        format!("(invect-cli {own})")
    };
    Cli::command().name(name.to_string()).version(version)
}

/// Parses `args` (the program name first) for binary `name`; a usage
/// mistake or `--help`/`--version` comes back as clap's error, with a tip
/// added where one helps.
pub fn parse(name: &str, args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let mut cmd = command(name);
    let matches = cmd.try_get_matches_from_mut(args.clone());
    let result = matches.and_then(|m| Cli::from_arg_matches(&m));
    result.map_err(|e| with_tip(e.format(&mut cmd), name, &args))
}

/// Adds what to type instead: `push` is `migrate --push`; an option written
/// before the command's name belongs after it.
fn with_tip(mut e: clap::Error, name: &str, args: &[OsString]) -> clap::Error {
    let tip = match (e.kind(), e.get(ContextKind::InvalidSubcommand)) {
        (ErrorKind::InvalidSubcommand, Some(ContextValue::String(sub))) => {
            renamed(sub).map(|instead| format!("to {sub}, run `{name} {instead}`"))
        }
        (ErrorKind::UnknownArgument, _) => misplaced(args).map(|(option, command)| {
            format!("options go after the command's name: `{name} {command} {option} ...`")
        }),
        _ => None,
    };
    if let Some(tip) = tip {
        e.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![tip.into()]),
        );
    }
    e
}

/// What other tools call a command that Invect spells differently.
fn renamed(sub: &str) -> Option<&'static str> {
    match sub {
        "push" | "db-push" => Some("migrate --push"),
        "baseline" => Some("migrate --baseline"),
        "check" | "status" => Some("verify"),
        "run" | "up" | "apply" => Some("migrate"),
        _ => None,
    }
}

/// An option written before the first command name (`invect-cli --yes
/// migrate`): that option and the command.
fn misplaced(args: &[OsString]) -> Option<(String, String)> {
    let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    let commands = Cli::command();
    let at = words
        .iter()
        .position(|w| commands.find_subcommand(w).is_some())?;
    let option = words[..at].iter().find(|w| w.starts_with('-'))?;
    let option = option.split('=').next().unwrap_or(option);
    Some((option.to_string(), words[at].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_binary_is_named_after_its_file() {
        let path = OsString::from("/usr/local/bin/plugin-cli");
        assert_eq!(binary_name(Some(&path)), "plugin-cli");
        assert_eq!(binary_name(None), "invect-cli");
        assert_eq!(
            command("plugin-cli").render_version(),
            format!("plugin-cli (invect-cli {})\n", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn mistakes_get_a_tip() {
        let e = match parse("invect-cli", os(&["invect-cli", "push"])) {
            Ok(_) => panic!("`push` parsed"),
            Err(e) => e.to_string(),
        };
        assert!(e.contains("invect-cli migrate --push"), "{e}");
        let e = match parse("invect-cli", os(&["invect-cli", "--yes", "migrate"])) {
            Ok(_) => panic!("`--yes migrate` parsed"),
            Err(e) => e.to_string(),
        };
        assert!(e.contains("`invect-cli migrate --yes ...`"), "{e}");
    }
}

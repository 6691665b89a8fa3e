//! The `invect-cli` command line as a library, so an application with plugins
//! builds its own binary in a few lines:
//!
//! ```no_run
//! use invect_runtime::Plugin;
//!
//! fn main() -> std::process::ExitCode {
//!     invect_cli::main(vec![Plugin::new("audit-log")])
//! }
//! ```
//!
//! Commands: `generate`, `migrate --push`, `migrate`, `verify [--strict]`,
//! `info`, `secret`; `invect-cli --help` lists their options. Exit code 0 on
//! success, 1 on failure (with `error: ...` and what to do on stderr), 2 on a
//! usage mistake.

mod args;
mod credentials;
mod failure;
mod generate;
mod info;
mod migrate;
mod output;
mod progress;
mod push;
mod secret;
mod settings;
mod verify;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, Common, CredentialsCommand, GenerateArgs, MigrateArgs, VerifyArgs};
pub use settings::{CONFIG_FILE, DATABASE_URL_VAR, Settings, UrlSource, database_config_from_url};

use failure::{Failure, Outcome};
use invect_runtime::Invect;
use invect_runtime::Plugin;
use output::Out;

/// Runs the command line of this process with `plugins` on a runtime of its
/// own, and returns the exit code for `main` to return.
pub fn main(plugins: Vec<Plugin>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            Out::detect().error(&Failure::new(format!(
                "cannot start the async runtime: {e}"
            )));
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(std::env::args_os(), plugins))
}

/// Parses `args` (the program name first) and runs the command with
/// `plugins`, printing as the binary does; returns the exit code.
pub async fn run<I, T>(args: I, plugins: Vec<Plugin>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; mistakes exit 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let out = Out::detect();
    match execute(&out, cli, plugins).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            out.error(&failure);
            ExitCode::FAILURE
        }
    }
}

/// Runs one parsed command.
async fn execute(out: &Out, cli: Cli, plugins: Vec<Plugin>) -> Outcome {
    let common = cli.common;
    match cli.command {
        Command::Secret => secret::run(out),
        Command::Generate(args) => {
            let settings = Settings::load(&common)?;
            generate::run(out, &settings, &plugins, &args, common.dry_run)
        }
        Command::Migrate(args) => {
            let settings = Settings::load(&common)?;
            let invect = connect(&settings, plugins).await?;
            let result = if args.push {
                push::run(out, &invect, &common).await
            } else {
                migrate::run(out, &invect, &settings, &common, args.baseline).await
            };
            invect.db().close().await;
            result
        }
        Command::Verify(args) => {
            let settings = Settings::load(&common)?;
            require_existing_sqlite_file(&settings)?;
            let invect = connect(&settings, plugins).await?;
            let result = verify::run(out, &invect, args.strict).await;
            invect.db().close().await;
            result
        }
        Command::Credentials(CredentialsCommand::Rotate) => {
            let settings = Settings::load(&common)?;
            let invect = connect(&settings, plugins).await?;
            let result = credentials::rotate(out, &invect, &common).await;
            invect.db().close().await;
            result
        }
        Command::Info => {
            let settings = Settings::load(&common)?;
            require_existing_sqlite_file(&settings)?;
            info::run(out, &settings, plugins).await
        }
    }
}

/// Read-only commands never create a SQLite file: a missing one is an error.
fn require_existing_sqlite_file(settings: &Settings) -> Result<(), Failure> {
    let config = settings.database_config()?;
    if config.r#type != invect_runtime::DatabaseType::Sqlite {
        return Ok(()); // a mismatched connection string is reported by connect
    }
    match config.sqlite_file() {
        Some(path) if !path.exists() => Err(Failure::new(format!(
            "database `{}`: there is no SQLite database at `{}`",
            config.id,
            path.display()
        ))
        .hint("check the path, or create the database with `invect-cli migrate --push` (or `invect-cli migrate`)")),
        _ => Ok(()),
    }
}

/// Merges the schema and opens the database (no startup check: the commands
/// do their own).
async fn connect(settings: &Settings, plugins: Vec<Plugin>) -> Result<Invect, Failure> {
    let config = settings.database_config()?;
    let mut builder = Invect::builder().base_database_config(config);
    for p in plugins {
        builder = builder.plugin(p);
    }
    Ok(builder.build().await?)
}

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
//! `info`, `secret`, `credentials rotate`, `completions <shell>`;
//! `invect-cli --help` lists their options. Exit code 0 on success, 1 on
//! failure (with `error: ...` and what to do on stderr), 2 on a usage mistake.
//! `DATABASE_URL` and `INVECT_*` may come from a `.env` file (`--no-dotenv`
//! ignores it); logging follows `RUST_LOG`, else `-v`/`-q`.

mod adopt;
mod app;
mod args;
mod completions;
mod credentials;
mod dotenv;
mod failure;
mod generate;
mod info;
mod json;
mod logging;
mod migrate;
mod open;
mod output;
mod progress;
mod push;
mod secret;
mod settings;
mod verify;

use std::ffi::OsString;
use std::process::ExitCode;

pub use args::{
    ChangeArgs, Cli, Command, CompletionsArgs, ConfigArgs, CredentialsCommand, DatabaseArgs,
    Format, GenerateArgs, InfoArgs, LogArgs, MigrateArgs, RotateArgs, VerifyArgs,
};
pub use dotenv::DotEnv;
pub use settings::{CONFIG_FILE, DATABASE_URL_VAR, Settings, UrlSource, database_config_from_url};

use failure::{Failure, Outcome};
use invect_runtime::Plugin;
use open::Opened;
use output::Out;

/// Runs the command line of this process with `plugins` on a runtime of its
/// own, and returns the exit code for `main` to return. Call it from `main`
/// before starting threads: it reads `.env` into the environment.
pub fn main(plugins: Vec<Plugin>) -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let name = app::binary_name(args.first());
    let cli = match app::parse(&name, args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; mistakes exit 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let out = Out::detect().quiet(cli.log.quiet);
    if let Some(warning) = logging::init(cli.log) {
        out.warn(warning);
    }
    match start(&out, &name, cli, plugins) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            out.error(&failure);
            ExitCode::FAILURE
        }
    }
}

/// Reads `.env` (before any thread starts), then runs the command on a
/// runtime of its own.
fn start(out: &Out, name: &str, cli: Cli, plugins: Vec<Plugin>) -> Outcome {
    let dotenv = match cli.command.database() {
        Some(db) if !db.no_dotenv => dotenv::load()?,
        _ => DotEnv::default(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(execute(out, name, cli.command, plugins, &dotenv))
}

/// Runs one parsed command.
async fn execute(
    out: &Out,
    name: &str,
    command: Command,
    plugins: Vec<Plugin>,
    dotenv: &DotEnv,
) -> Outcome {
    match command {
        Command::Secret => secret::run(out),
        Command::Completions(args) => completions::run(name, &args),
        Command::Generate(args) => {
            let settings = Settings::load_config(&args.config)?;
            generate::run(out, &settings, &plugins, &args)
        }
        Command::Migrate(args) => {
            let settings = Settings::load(&args.database, dotenv.database_url_file())?;
            let opened = Opened::for_planning(&settings, plugins).await?;
            if args.push {
                push::run(out, opened, &settings, &args).await
            } else if args.adopt {
                adopt::run(out, opened, &settings, &args).await
            } else {
                migrate::run(out, opened, &settings, &args).await
            }
        }
        Command::Verify(args) => {
            let settings = Settings::load(&args.database, dotenv.database_url_file())?;
            let invect = open::for_reading(&settings, plugins).await?;
            let result = verify::run(out, &invect, &args).await;
            invect.db().close().await;
            result
        }
        Command::Credentials(CredentialsCommand::Rotate(args)) => {
            let settings = Settings::load(&args.database, dotenv.database_url_file())?;
            open::require_existing_sqlite_file(&settings.database_config()?)?;
            let opened = Opened::for_planning(&settings, plugins).await?;
            credentials::run(out, opened, &settings, args.change).await
        }
        Command::Info(args) => {
            let settings = Settings::load(&args.database, dotenv.database_url_file())?;
            info::run(out, &settings, plugins, args.format).await
        }
    }
}

//! The command line's options, parsed by clap; every `///` here is `--help`
//! text. Each command takes exactly the options that do something for it, so
//! clap rejects the others (`secret --database-url x`, `info --dry-run`).

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// Invect's database tool: generate the schema's DDL, bring a database up to
/// date, check it, show its state.
///
/// The database is, in order of precedence: --database-url, the DATABASE_URL
/// environment variable (also read from a .env file), the `[database]` of
/// invect.toml, SQLite file:./dev.db.
#[derive(Debug, Parser)]
#[command(name = "invect-cli", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Logging options, accepted before or after the command's name.
    #[command(flatten)]
    pub log: LogArgs,
}

/// How much is logged to stderr (RUST_LOG, when set, decides instead).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct LogArgs {
    /// Log more: -v what is done, -vv every SQL statement, -vvv everything.
    #[arg(long, short = 'v', global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print only results and errors: no SQL listing, no warnings in the log.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

/// Which database: the options of every command that opens one.
#[derive(Debug, Clone, Default, Args)]
pub struct DatabaseArgs {
    /// Connection string of the database (sqlite: file:./dev.db, postgresql://…, mysql://…);
    /// overrides DATABASE_URL and invect.toml.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Do not read a .env file (by default DATABASE_URL and INVECT_* may come from one).
    #[arg(long)]
    pub no_dotenv: bool,
}

/// Which invect.toml.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigArgs {
    /// The invect.toml to read [default: ./invect.toml when it exists].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// The options of every command that changes a database.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct ChangeArgs {
    /// Change the database without asking (needed when not run from a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the SQL that would run or the files that would be written; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// How a command prints its result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document on stdout, for scripts and CI.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the merged schema: schema.json and one DDL script per dialect.
    Generate(GenerateArgs),
    /// Apply the schema: with --push directly (development), otherwise by
    /// writing a migration file for what changed and applying pending files
    /// (production).
    Migrate(MigrateArgs),
    /// Check that the database has every table and column Invect needs (read-only).
    Verify(VerifyArgs),
    /// Show the configuration, the dialect, the tables by origin and the migrations.
    Info(InfoArgs),
    /// Print a new random key for INVECT_ENCRYPTION_KEY (base64 of 32 bytes).
    Secret,
    /// Manage encrypted credentials.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Print a shell completion script: `source <(invect-cli completions bash)`.
    Completions(CompletionsArgs),
}

/// `credentials` subcommands.
#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Re-encrypt every credential encrypted with a key of
    /// INVECT_PREVIOUS_ENCRYPTION_KEYS under INVECT_ENCRYPTION_KEY (all or
    /// nothing per old key). Readers accept both keys meanwhile, and rows the
    /// application changes meanwhile keep their change. Exits 1, naming them,
    /// if any credential is left under another key or cannot be read.
    Rotate(RotateArgs),
}

/// Options of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Folder to write schema.json and schema.{sqlite,postgres,mysql}.sql into.
    #[arg(long, short = 'o', value_name = "DIR", default_value = "invect")]
    pub out: PathBuf,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// List the files that would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `migrate`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("planned").args(["push", "adopt"])))]
pub struct MigrateArgs {
    /// Apply the schema to the database directly, additively (no migration files).
    #[arg(long)]
    pub push: bool,
    /// Record the migration files as applied without running them, for a
    /// database that already has the schema (made by `migrate --push`).
    #[arg(long, conflicts_with = "push")]
    pub baseline: bool,
    /// Let the new migration drop the tables and columns no longer declared
    /// (it says how many rows and values that loses). Without it they are
    /// kept, a NOT NULL column made nullable.
    #[arg(long, conflicts_with_all = ["push", "baseline"])]
    pub allow_drop: bool,
    /// Let the new migration narrow columns (nullable → NOT NULL, text →
    /// number, a shorter string), after checking that no row would be refused.
    #[arg(long, conflicts_with_all = ["push", "baseline"])]
    pub allow_narrowing: bool,
    /// Undo the last N applied migrations with their down files (default 1).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1",
          conflicts_with_all = ["push", "baseline", "allow_drop", "allow_narrowing"])]
    pub revert: Option<usize>,
    /// Write an empty reversible migration NAME (up and down files) with the
    /// snapshot of the declared schema, for a change to write by hand.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["push", "baseline", "revert"])]
    pub new: Option<String>,
    /// Record that the newest migration file, written by hand without a
    /// snapshot, takes the database to the declared schema.
    #[arg(long, conflicts_with_all = ["push", "baseline", "revert", "new"])]
    pub adopt_hand_written: bool,
    /// Take over the tables the TypeScript Invect (drizzle-kit) made: those
    /// with an Invect table's name or its earlier one that match its
    /// declaration are renamed, converted where a type keeps every value,
    /// completed additively and recorded as Invect's, and the migration
    /// files are recorded as applied. Anything that differs is refused,
    /// named, with nothing changed.
    #[arg(long, conflicts_with_all = ["push", "baseline", "allow_drop", "allow_narrowing",
          "revert", "new", "adopt_hand_written"])]
    pub adopt: bool,
    /// How long a migration statement (or, with --revert, a down file's)
    /// waits for a table lock before failing (PostgreSQL lock_timeout, MySQL
    /// lock_wait_timeout).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 10_000,
        conflicts_with = "push"
    )]
    pub lock_timeout_ms: u64,
    #[command(flatten)]
    pub change: ChangeArgs,
    /// How to print the plan of `--push --dry-run` or `--adopt --dry-run`.
    #[arg(long, value_enum, default_value_t, requires_all = ["planned", "dry_run"])]
    pub format: Format,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Options of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Exit with an error when the database lacks anything or its indexes,
    /// foreign keys or defaults differ (default: warn, exit 0).
    #[arg(long)]
    pub strict: bool,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Options of `info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// How to print what is known.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Options of `credentials rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub change: ChangeArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

impl Command {
    /// The database options, for the commands that open a database.
    pub fn database(&self) -> Option<&DatabaseArgs> {
        match self {
            Command::Migrate(a) => Some(&a.database),
            Command::Verify(a) => Some(&a.database),
            Command::Info(a) => Some(&a.database),
            Command::Credentials(CredentialsCommand::Rotate(a)) => Some(&a.database),
            Command::Generate(_) | Command::Secret | Command::Completions(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, String> {
        Cli::try_parse_from(args).map_err(|e| e.to_string())
    }

    #[test]
    fn the_options_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn logging_flags_go_before_or_after_the_command() {
        let cli = match parse(&["invect-cli", "-q", "migrate", "--push", "--dry-run", "-y"]) {
            Ok(cli) => cli,
            Err(e) => panic!("{e}"),
        };
        assert!(cli.log.quiet);
        assert!(matches!(
            cli.command,
            Command::Migrate(MigrateArgs {
                push: true,
                change: ChangeArgs {
                    yes: true,
                    dry_run: true
                },
                ..
            })
        ));
        assert!(parse(&["invect-cli", "verify", "-vv"]).is_ok());
    }

    #[test]
    fn options_that_do_nothing_are_rejected() {
        for args in [
            &["invect-cli", "secret", "--database-url", "x"][..],
            &["invect-cli", "info", "--dry-run"],
            &["invect-cli", "verify", "--yes"],
            &["invect-cli", "generate", "--database-url", "x"],
            &["invect-cli", "migrate", "--format", "json"],
            &["invect-cli", "migrate", "--push", "--format", "json"],
            &["invect-cli", "verify", "-v", "-q"],
        ] {
            assert!(parse(args).is_err(), "{args:?} was accepted");
        }
        assert!(
            parse(&[
                "invect-cli",
                "migrate",
                "--push",
                "--dry-run",
                "--format",
                "json"
            ])
            .is_ok()
        );
    }
}

//! The command line's options, parsed by clap; every `///` here is `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Invect's database tool: generate the schema's DDL, bring a database up to
/// date, check it, show its state.
///
/// The database is, in order of precedence: --database-url, the DATABASE_URL
/// environment variable, the `[database]` of invect.toml, SQLite file:./dev.db.
#[derive(Debug, Parser)]
#[command(name = "invect-cli", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options every command accepts.
    #[command(flatten)]
    pub common: Common,
}

/// Options every command accepts, before or after the command's name.
#[derive(Debug, Clone, Default, Args)]
pub struct Common {
    /// Connection string of the database (sqlite: file:./dev.db, postgresql://…, mysql://…);
    /// overrides DATABASE_URL and invect.toml.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// The invect.toml to read [default: ./invect.toml when it exists].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Change the database without asking (needed when not run from a terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Print the SQL that would run or the files that would be written; change nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
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
    Info,
    /// Print a new random key for INVECT_ENCRYPTION_KEY (base64 of 32 bytes).
    Secret,
    /// Manage encrypted credentials.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
}

/// `credentials` subcommands.
#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Re-encrypt every credential encrypted with a key of
    /// INVECT_PREVIOUS_ENCRYPTION_KEYS under INVECT_ENCRYPTION_KEY (all or
    /// nothing per old key). Readers accept both keys meanwhile, and rows the
    /// application changes meanwhile keep their change. Exits 1, naming them,
    /// if any credential is left under another key or cannot be read.
    Rotate,
}

/// Options of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Folder to write schema.json and schema.{sqlite,postgres,mysql}.sql into.
    #[arg(long, short = 'o', value_name = "DIR", default_value = "invect")]
    pub out: PathBuf,
}

/// Options of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Apply the schema to the database directly, additively (no migration files).
    #[arg(long)]
    pub push: bool,
    /// Record the migration files as applied without running them, for a
    /// database that already has the schema (made by `migrate --push`).
    #[arg(long, conflicts_with = "push")]
    pub baseline: bool,
}

/// Options of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Exit with an error when the database lacks anything (default: warn, exit 0).
    #[arg(long)]
    pub strict: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_options_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn common_flags_go_before_or_after_the_command() {
        let cli = Cli::try_parse_from(["invect-cli", "--yes", "migrate", "--push", "--dry-run"])
            .map_err(|e| e.to_string());
        let cli = match cli {
            Ok(cli) => cli,
            Err(e) => panic!("{e}"),
        };
        assert!(cli.common.yes && cli.common.dry_run);
        assert!(matches!(
            cli.command,
            Command::Migrate(MigrateArgs { push: true, .. })
        ));
    }
}

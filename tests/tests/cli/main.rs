//! The `invect-cli` binary and the `plugin-cli` example, run as subprocesses
//! against SQLite and the real PostgreSQL and MariaDB servers: every command,
//! generated scripts run by each database's own client, bad connection
//! strings, config precedence, the plugin binary, the conventions of Rust
//! CLIs (.env, logging, completions, JSON, the prompt, colour) and commands
//! that must change nothing.

mod bad_urls;
mod config;
mod conventions;
mod credentials;
mod files;
mod generate;
mod json;
mod plugin;
mod push;
mod readme;
mod support;
mod terminal;
mod unchanged;

pub(crate) use invect_tests::per_dialect;

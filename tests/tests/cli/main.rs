//! The `invect-cli` binary and the `plugin-cli` example, run as subprocesses
//! against SQLite and the real PostgreSQL and MariaDB servers: every command,
//! generated scripts run by each database's own client, bad connection
//! strings, config precedence and the plugin binary.

mod bad_urls;
mod config;
mod credentials;
mod files;
mod generate;
mod plugin;
mod push;
mod readme;
mod support;

pub(crate) use invect_tests::per_dialect;

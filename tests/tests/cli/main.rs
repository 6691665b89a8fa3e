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

/// One `#[tokio::test]` per dialect for an `async fn(DialectKind)`.
macro_rules! per_dialect {
    ($($test:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Postgres).await } )* }
        mod mysql { $( #[tokio::test] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Mysql).await } )* }
    };
}
pub(crate) use per_dialect;

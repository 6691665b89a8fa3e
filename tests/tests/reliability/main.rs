//! Invect's reliability promises (DESIGN.md, "Reliability and security"),
//! each proved by a named test against the real SQLite, PostgreSQL and
//! MariaDB: concurrent deployers, processes killed or servers gone half-way,
//! rows kept, the application's tables untouched, bad input refused, and
//! read-only verification. `PROMISES.md` maps every promise to its test.
//!
//! The binaries run are the real `invect-cli` (built by the CLI tests'
//! support, reused here) and `bulk-cli` (`tests/src/bin/bulk-cli.rs`: the
//! same command line with up to 300 plugin tables, slow enough to be killed
//! or stopped half-way).

// Helpers of the CLI and push tests, reused rather than copied; not every
// one is used here.
#[allow(dead_code, unused_imports)]
#[path = "../cli/support.rs"]
mod cli_support;
#[allow(dead_code, unused_imports)]
#[path = "../push/support.rs"]
mod push_support;

mod bad_input;
mod concurrency;
mod data;
mod faults;
mod foreign;
mod read_only;
mod support;

/// One `#[tokio::test]` per dialect for an `async fn(DialectKind)`.
macro_rules! per_dialect {
    ($($test:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Sqlite).await } )* }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Postgres).await } )* }
        mod mysql { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { super::$test(invect_runtime::schema::DialectKind::Mysql).await } )* }
    };
}
pub(crate) use per_dialect;

//! The typed query API of `#[invect_table]` on SQLite, PostgreSQL and
//! MariaDB. Each scenario is written once as an async function over a
//! [`Db`](invect_runtime::Db) and run by one test per dialect, each on a
//! fresh database whose tables come from `render_table` of the declarations
//! in [`model`] (and `core_ddl` for the core tables).
//!
//! - `round_trip_*`: every abstract type, NULL and not NULL, database
//!   defaults, dates to the millisecond in UTC, JSON, UUIDs, integer
//!   extremes, hostile strings and 1 MiB of text read back equal through
//!   `insert`'s return value, `find` and `select`.
//! - `bulk_*`: `insert_many` of 70,000 `node_executions` rows, every row
//!   read back equal; transactions through `&mut Tx` (rollback, drop,
//!   commit); a failing chunk leaves nothing.
//! - `bulk_copy_*`: `insert_many` of rows giving every defaulted column
//!   (PostgreSQL: binary `COPY`): NULLs, enums, JSON, dates, defaults left
//!   by some rows, a failed check or constraint leaving nothing.
//! - `queries_*`: filters, ordering, limit/offset, `one`, `count` against
//!   answers computed in Rust; updates and deletes by key and by filter; a
//!   composite key.
//! - `consistency_*`: one query, one answer on every dialect (trailing
//!   spaces, NULL and enum ordering, LIKE through `Db::from(pool)`).
//!
//! Needs the servers of `scripts/services.sh` (`source` it first).

mod bulk;
mod bulk_copy;
mod consistency;
mod model;
mod queries;
mod round_trip;
mod support;

use invect_runtime::schema::DialectKind::{Mysql, Postgres, Sqlite};

#[tokio::test]
async fn round_trip_sqlite() {
    round_trip::run(Sqlite).await;
}

#[tokio::test]
async fn round_trip_postgres() {
    round_trip::run(Postgres).await;
}

#[tokio::test]
async fn round_trip_mysql() {
    round_trip::run(Mysql).await;
}

#[tokio::test]
async fn bulk_sqlite() {
    bulk::run(Sqlite).await;
}

#[tokio::test]
async fn bulk_postgres() {
    bulk::run(Postgres).await;
}

#[tokio::test]
async fn bulk_mysql() {
    bulk::run(Mysql).await;
}

#[tokio::test]
async fn bulk_copy_sqlite() {
    bulk_copy::run(Sqlite).await;
}

#[tokio::test]
async fn bulk_copy_postgres() {
    bulk_copy::run(Postgres).await;
}

#[tokio::test]
async fn bulk_copy_mysql() {
    bulk_copy::run(Mysql).await;
}

#[tokio::test]
async fn queries_sqlite() {
    queries::run(Sqlite).await;
}

#[tokio::test]
async fn queries_postgres() {
    queries::run(Postgres).await;
}

#[tokio::test]
async fn queries_mysql() {
    queries::run(Mysql).await;
}

#[tokio::test]
async fn consistency_sqlite() {
    consistency::run(Sqlite).await;
}

#[tokio::test]
async fn consistency_postgres() {
    consistency::run(Postgres).await;
}

#[tokio::test]
async fn consistency_mysql() {
    consistency::run(Mysql).await;
}

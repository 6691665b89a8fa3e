//! Rows changing under concurrency, on SQLite, PostgreSQL and MariaDB: the
//! engine's daily work done atomically by the typed API.
//!
//! - `claim`: eight workers claim 1,000 pending runs with row locks
//!   (`SKIP LOCKED`; a write transaction on SQLite), each exactly once.
//! - `atomic`: 16 tasks × 100 increments of one counter end at 1,600;
//!   `update_where(…).returning` and `delete_returning` return what changed.
//! - `upsert`: 16 tasks upserting one key at once leave one row; do-nothing,
//!   `upsert_many`, and a conflict on another key refused as unique.
//! - `aggregate`: group-by counts, max/min/sum and projections against the rows.
//! - `violations`: unique, foreign-key, NOT NULL errors typed alike.
//! - `sqlite_writers`: 200 tasks and 4 processes doing read-then-write
//!   transactions on one SQLite file for 10 s, no "database is locked".
//!
//! Needs the servers of `scripts/services.sh` (`source` it first).

mod aggregate;
mod atomic;
mod claim;
mod sqlite_writers;
mod support;
mod upsert;
mod violations;

use aggregate::{group_by_counts_match_the_rows, projections_and_aggregates_decode_typed};
use atomic::{returning_gives_the_changed_rows, sixteen_tasks_increment_one_counter_exactly};
use claim::eight_workers_claim_each_run_exactly_once;
use upsert::{
    do_nothing_and_upsert_many_keep_one_row_per_key, sixteen_tasks_upsert_one_key_at_once,
    upsert_refuses_a_conflict_on_another_key,
};
use violations::{constraint_errors_are_typed_alike, row_locks_need_a_transaction};

invect_tests::per_dialect!(
    eight_workers_claim_each_run_exactly_once,
    sixteen_tasks_increment_one_counter_exactly,
    returning_gives_the_changed_rows,
    sixteen_tasks_upsert_one_key_at_once,
    do_nothing_and_upsert_many_keep_one_row_per_key,
    upsert_refuses_a_conflict_on_another_key,
    group_by_counts_match_the_rows,
    projections_and_aggregates_decode_typed,
    constraint_errors_are_typed_alike,
    row_locks_need_a_transaction,
);

//! Issue 13's "Must show", on real SQLite, PostgreSQL and MariaDB, through
//! real `upgrade-cli` processes (`invect-cli` with version 1 or 2 of the
//! `upgrade` plugin, `tests/src/upgrade.rs`): an upgrade of a populated
//! database through migration files and back, and through push
//! ([`upgrade`]); a SQLite rebuild keeping every referencing row
//! ([`rebuild`]); narrowing refused with the count of offending rows
//! ([`narrowing`]); a migration killed half-way ([`killed`]); and on
//! PostgreSQL an index built `CONCURRENTLY` while eight tasks write
//! ([`online_index`]).

mod killed;
mod lock_timeout;
mod narrowing;
mod online_index;
mod rebuild;
mod rows;
mod support;
mod upgrade;

use killed::killed_migration_leaves_the_database_as_it_was;
use narrowing::narrowing_with_offending_rows_is_refused_with_the_count;
use upgrade::{
    upgrade_through_files_keeps_every_row_and_reverts, upgrade_through_push_keeps_every_row,
};

invect_tests::per_dialect!(
    upgrade_through_files_keeps_every_row_and_reverts,
    upgrade_through_push_keeps_every_row,
    narrowing_with_offending_rows_is_refused_with_the_count,
    killed_migration_leaves_the_database_as_it_was,
);

//! What `insert_many`'s two ways of loading (multi-row `INSERT`, binary
//! `COPY`) share: rows taken a chunk at a time, and whether a chunk leaves
//! a defaulted column to the database.

use invect_schema::TableDef;
use invect_schema::statements::{Defaults, takes_default_on_null};

use crate::driver::Args;
use crate::table::Table;

/// Refills `chunk` with the next `per_chunk` rows, ready to bind.
pub(super) fn next_chunk<T: Table>(
    chunk: &mut Vec<T::New>,
    rows: &mut impl Iterator<Item = T::New>,
    per_chunk: usize,
    d: &dyn invect_schema::Dialect,
) {
    chunk.clear();
    chunk.extend(rows.by_ref().take(per_chunk));
    for new in chunk.iter_mut() {
        T::prepare_new(new, d);
    }
}

/// `Given` when no row bound in `args` leaves a defaulted column NULL.
pub(super) fn defaults_needed(
    d: &dyn invect_schema::Dialect,
    table: &TableDef,
    args: &Args,
) -> Defaults {
    let left_out = (table.columns.iter().enumerate())
        .any(|(i, c)| takes_default_on_null(d, c) && args.null_in(i));
    if left_out {
        Defaults::Coalesce
    } else {
        Defaults::Given
    }
}

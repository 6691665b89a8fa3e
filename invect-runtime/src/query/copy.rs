//! insert_many's binary `COPY` path (PostgreSQL): one `COPY` for a run of
//! chunks, each chunk written into one reused buffer while the server takes
//! the chunk sent before it.

use invect_schema::statements::Defaults;
use invect_schema::{Dialect, TableDef};

use super::bind_error;
use super::chunk::{defaults_needed, next_chunk};
use crate::db::Tx;
use crate::driver::Args;
use crate::error::Result;
use crate::table::Table;

/// Copies `chunk`, then the chunks of `per_chunk` rows after it taken from
/// `rows`, by one `COPY` (`sql`), until `rows` runs out or a chunk has a row
/// that leaves a defaulted column NULL (`COPY` would store the NULL where
/// the `INSERT`'s `COALESCE` gives the default): that chunk is left in
/// `chunk` for the caller to insert. Returns the number of rows copied.
pub(super) async fn copy_chunks<T: Table>(
    tx: &mut Tx,
    sql: &str,
    table: &TableDef,
    chunk: &mut Vec<T::New>,
    rows: &mut impl Iterator<Item = T::New>,
    per_chunk: usize,
) -> Result<u64> {
    let d = tx.kind().dialect();
    let Some(mut data) = encode::<T>(d, table, chunk, Vec::new())? else {
        return Ok(0);
    };
    let mut copy = tx.copy_in(sql).await?;
    loop {
        if let Err(e) = copy.send(&data).await {
            copy.abort("sending the rows failed").await;
            return Err(e);
        }
        next_chunk::<T>(chunk, rows, per_chunk, d);
        let next = match chunk.is_empty() {
            true => Ok(None),
            false => encode::<T>(d, table, chunk, data),
        };
        match next {
            Ok(Some(next)) => data = next,
            Ok(None) => return copy.finish().await,
            // A value of this chunk was refused before it was sent: nothing
            // of the COPY is kept.
            Err(e) => {
                copy.abort("a value was refused").await;
                return Err(e);
            }
        }
    }
}

/// `chunk`'s rows as binary `COPY` data, written into `buf`; `None` when
/// some row leaves a defaulted column NULL.
fn encode<T: Table>(
    d: &dyn Dialect,
    table: &TableDef,
    chunk: &[T::New],
    buf: Vec<u8>,
) -> Result<Option<Vec<u8>>> {
    let mut args = Args::copy_rows(table.columns.len(), buf);
    for new in chunk {
        args.start_row();
        T::bind_new(new, &mut args).map_err(bind_error::<T>)?;
    }
    let given = defaults_needed(d, table, &args) == Defaults::Given;
    Ok(given.then(|| args.into_copy_data()))
}

//! The startup check: read-only, it lists what the database lacks for the
//! declared schema and which commands fix it, and warns of indexes, foreign
//! keys and defaults that differ from it.

use invect_schema::Schema;

use crate::db::Db;
use crate::diff::diff;
use crate::error::Result;
pub use crate::report::{Drift, VerifyReport};
/// Compares the live database with `schema` without writing anything: it
/// runs in a read-only transaction where the dialect has one, and needs only
/// SELECT rights.
pub async fn verify(db: &Db, schema: &Schema, database_id: &str) -> Result<VerifyReport> {
    let mut conn = db.acquire().await?;
    conn.begin_read().await?;
    let live = crate::introspect::introspect_conn(&mut conn).await;
    conn.end_read().await?;
    let mut live = live?;
    // While a declared rename is pending, the old name is accepted.
    crate::renames::Pending::find(schema, &live, None).apply_to(&mut live, &mut Default::default());
    // Every table counts as foreign here (no record is read); ownership is
    // push's business, so ForeignTable is neither a problem nor a warning.
    let (problems, warnings): (Vec<Drift>, Vec<Drift>) =
        diff(conn.kind(), schema, &live, &Default::default())
            .into_iter()
            .filter(|d| d.breaks_queries() || d.is_warning())
            .partition(Drift::breaks_queries);
    Ok(VerifyReport {
        database_id: database_id.to_string(),
        problems,
        warnings,
    })
}

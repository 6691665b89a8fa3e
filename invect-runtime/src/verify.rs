//! The startup check: read-only, it lists what the database lacks for the
//! declared schema and which commands fix it.

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
    let problems = diff(conn.kind(), schema, &live, &Default::default())
        .into_iter()
        .filter(Drift::breaks_queries)
        .collect();
    Ok(VerifyReport {
        database_id: database_id.to_string(),
        problems,
    })
}

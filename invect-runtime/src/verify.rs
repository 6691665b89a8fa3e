//! The startup check: read-only, it lists what the database lacks for the
//! declared schema and which commands fix it.

use invect_schema::Schema;

use crate::db::Db;
use crate::diff::{Drift, diff};
use crate::error::Result;

/// What verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Database id from the configuration, for messages.
    pub database_id: String,
    /// Every problem that would break Invect's queries.
    pub problems: Vec<Drift>,
}

impl VerifyReport {
    /// Whether the database has every table and column Invect needs.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl std::fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_ok() {
            return write!(
                f,
                "database `{}` has every table and column Invect needs",
                self.database_id
            );
        }
        writeln!(
            f,
            "database `{}` does not match Invect's schema ({} problem(s)):",
            self.database_id,
            self.problems.len()
        )?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        write!(
            f,
            "to fix it: run `invect-cli generate`, then `invect-cli migrate --push` (development) \
             or `invect-cli migrate` (production)"
        )
    }
}

/// Compares the live database with `schema` without writing anything: it
/// runs in a read-only transaction where the dialect has one, and needs only
/// SELECT rights.
pub async fn verify(db: &Db, schema: &Schema, database_id: &str) -> Result<VerifyReport> {
    let mut conn = db.acquire().await?;
    conn.begin_read().await?;
    let live = crate::introspect::introspect_conn(&mut conn).await;
    conn.end_read().await?;
    let live = live?;
    let problems = diff(conn.kind(), schema, &live, &Default::default())
        .into_iter()
        .filter(Drift::breaks_queries)
        .collect();
    Ok(VerifyReport {
        database_id: database_id.to_string(),
        problems,
    })
}

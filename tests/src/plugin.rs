//! A plugin table the tests install next to the core tables: it references
//! `flows`, has a client- or server-generated UUID key and a `now` default.

use invect_runtime::core::flows;
use invect_runtime::prelude::*;

/// A plugin table that references a core table.
#[invect_table(name = "audit_logs")]
#[derive(Debug, Clone, PartialEq)]
pub struct AuditLog {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    pub action: String,
    #[invect(references = flows::id, on_delete = cascade, index)]
    pub flow_id: Option<String>,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
}

use invect_runtime::prelude::*;

use invect_runtime::core::flows;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(references = flows::id, on_delete = set_null)]
    pub flow_id: String,
}

fn main() {}

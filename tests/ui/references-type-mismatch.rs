use invect_runtime::prelude::*;

use invect_runtime::core::flow_runs;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(references = flow_runs::id)]
    pub run_id: String,
}

fn main() {}

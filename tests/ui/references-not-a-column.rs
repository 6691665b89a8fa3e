use invect_runtime::prelude::*;
use invect_runtime::core::Flow;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(references = Flow)]
    pub flow_id: String,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs", primary_key(flow_id, version))]
pub struct AuditLog {
    #[invect(primary_key)]
    pub flow_id: String,
    pub version: i32,
}

fn main() {}

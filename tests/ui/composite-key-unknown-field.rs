use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs", primary_key(flow_id, versoin))]
pub struct AuditLog {
    pub flow_id: String,
    pub version: i32,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub flow_id: String,
    #[invect(primary_key)]
    pub version: i32,
}

fn main() {}

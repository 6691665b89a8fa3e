use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs", name = "audits")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
}

fn main() {}

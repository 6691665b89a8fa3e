use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs", primary_key())]
pub struct AuditLog {
    pub id: String,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub enum AuditLog {
    Created,
    Deleted,
}

fn main() {}

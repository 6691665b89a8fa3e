use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog<T> {
    #[invect(primary_key)]
    pub id: String,
    pub action: T,
}

fn main() {}

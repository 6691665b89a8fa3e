use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs", table_name = "logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    pub action: String,
}

fn main() {}

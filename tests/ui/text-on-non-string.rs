use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(text)]
    pub attempts: i64,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(default = 1.5)]
    pub attempts: i32,
}

fn main() {}

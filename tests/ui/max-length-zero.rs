use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(max_length = 0)]
    pub action: String,
}

fn main() {}

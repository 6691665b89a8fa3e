use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(max_length = 64, max_length = 128)]
    pub action: String,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key, default = uuid)]
    pub id: String,
    pub action: String,
}

fn main() {}

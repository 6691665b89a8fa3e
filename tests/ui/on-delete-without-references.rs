use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(on_delete = cascade)]
    pub flow_id: String,
}

fn main() {}

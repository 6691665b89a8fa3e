use invect_runtime::prelude::*;

#[invect_table(name = "audit-logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    pub name: String,
    #[invect(rename = "name")]
    pub title: String,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(rename = "created at")]
    pub created_at: DateTime<Utc>,
}

fn main() {}

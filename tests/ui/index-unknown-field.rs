use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs", index(flow_id, create_at))]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    pub flow_id: String,
    pub created_at: DateTime<Utc>,
}

fn main() {}

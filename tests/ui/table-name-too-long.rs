use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs_of_every_flow_run_and_node_execution_kept_for_two_yrs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
}

fn main() {}

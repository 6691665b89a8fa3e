use invect_runtime::prelude::*;

#[invect_table(name = "audit_logs")]
pub struct AuditLog(String, String);

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "Audit")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
}

fn main() {}

use invect_runtime::prelude::*;

#[invect_table(name = "")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
}

fn main() {}

use invect_runtime::prelude::*;

#[derive(Debug, Clone, Copy, InvectEnum)]
pub enum Level {
    Info,
    Warn,
}

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    pub level: Level,
}

fn main() {}

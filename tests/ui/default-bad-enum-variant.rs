use invect_runtime::prelude::*;

#[derive(Debug, Clone, Copy, InvectEnum)]
#[invect(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    Info,
    Warn,
}

#[invect_table(name = "audit_logs")]
pub struct AuditLog {
    #[invect(primary_key)]
    pub id: String,
    #[invect(enum, default = "Info")]
    pub level: Level,
}

fn main() {}
